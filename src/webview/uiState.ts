// What the review webview remembers across hide/show: which cards are expanded, how many diff lines
// "Show more" has revealed, and whether the plan is open. The panel does not keep a hidden webview
// alive (no retainContextWhenHidden), so showing it again runs this script afresh; VS Code keeps
// whatever it last passed to setState and hands it back through getState. The decisions themselves
// live in the extension, which sends everything again on `ready`.
//
// getState returns what an earlier version of this script saved, so it is parsed like any input: a
// state that does not parse is dropped and the panel starts with its defaults.
import { SavedUiStateSchema, type SavedUiState } from '../protocol/webviewProtocol';

export type { SavedUiState };

export function emptyUiState(): SavedUiState {
  return { cards: {}, sized: [] };
}

/** The saved state, or the empty one when there is none or it does not parse. */
export function restoreUiState(saved: unknown): SavedUiState {
  const parsed = SavedUiStateSchema.safeParse(saved);
  return parsed.success ? parsed.data : emptyUiState();
}
