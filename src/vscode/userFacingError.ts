// An error whose message is already written for the user, optionally with the one action that fixes
// it (a button on the error notification).
export interface FixAction {
  label: string;
  command: string;
  args?: unknown[];
}

export class UserFacingError extends Error {
  readonly fix: FixAction | undefined;

  constructor(message: string, fix?: FixAction) {
    super(message);
    this.name = 'UserFacingError';
    this.fix = fix;
  }
}
