// Placeholder until the orchestration core lands.
process.stderr.write('refactor-orchestrator: not implemented yet\n');
process.exitCode = 1;
