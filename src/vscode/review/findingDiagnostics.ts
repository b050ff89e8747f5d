// Verification findings as diagnostics (source "Refactor Orchestrator"): while reviewing, on the
// proposed documents they were reported against; once a file is applied, on the real file, at the
// line the finding moved to if some hunks were rejected. Findings about files outside the plan go on
// the real file straight away. Everything is cleared when the review is discarded or replaced.
import * as vscode from 'vscode';
import { mapProposedLine } from '../../core/review/reviewHunks';
import type { Finding } from '../../core/schemas';
import { reviewContentUri } from './proposedContent';
import type { ReviewSession } from './reviewSession';
import type { WorkspacePaths } from '../workspace/workspacePaths';

export const DIAGNOSTIC_SOURCE = 'Refactor Orchestrator';

export class FindingDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('refactorOrchestrator');

  show(review: ReviewSession, paths: WorkspacePaths): void {
    const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const finding of review.session.findings) {
      const placed = this.place(finding, review, paths);
      if (!placed) continue;
      const key = placed.uri.toString();
      const entry = byUri.get(key) ?? { uri: placed.uri, diagnostics: [] };
      entry.diagnostics.push(toDiagnostic(finding, placed.line, paths));
      byUri.set(key, entry);
    }
    this.collection.clear();
    for (const { uri, diagnostics } of byUri.values()) this.collection.set(uri, diagnostics);
  }

  clear(): void {
    this.collection.clear();
  }

  /** The diagnostics currently shown for a URI (for tests and the review's own checks). */
  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  private place(finding: Finding, review: ReviewSession, paths: WorkspacePaths): { uri: vscode.Uri; line: number } | undefined {
    const file = review.session.files.find((candidate) => candidate.path === finding.path);
    if (file && review.isApplied(file.id)) {
      if (file.action === 'delete') return undefined;
      const target = paths.resolve(file.path);
      const applied = review.appliedHunks(file.id) ?? new Set<number>();
      return target ? { uri: target.uri, line: mapProposedLine(review.hunks(file.id), applied, finding.line) } : undefined;
    }
    if (file) {
      const uri = reviewContentUri(review, file.action === 'delete' ? 'original' : 'proposed', file.id);
      return uri ? { uri, line: file.action === 'delete' ? 0 : finding.line } : undefined;
    }
    const target = paths.resolve(finding.path);
    return target ? { uri: target.uri, line: finding.line } : undefined;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function toDiagnostic(finding: Finding, line: number, paths: WorkspacePaths): vscode.Diagnostic {
  const row = Math.max(0, line - 1);
  // The end column is clamped to the line by the editor; a whole-line range reads best in the gutter.
  const range = new vscode.Range(row, 0, row, line > 0 ? 10_000 : 0);
  const diagnostic = new vscode.Diagnostic(range, finding.message, severityOf(finding.severity));
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = finding.kind;
  const related = finding.relatedPaths
    .map((path) => paths.resolve(path))
    .filter((target): target is NonNullable<typeof target> => target !== undefined)
    .map((target) => new vscode.DiagnosticRelatedInformation(new vscode.Location(target.uri, new vscode.Position(0, 0)), `related: ${target.relative}`));
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

function severityOf(severity: Finding['severity']): vscode.DiagnosticSeverity {
  if (severity === 'error') return vscode.DiagnosticSeverity.Error;
  if (severity === 'warning') return vscode.DiagnosticSeverity.Warning;
  return vscode.DiagnosticSeverity.Information;
}
