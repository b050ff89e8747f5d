/**
 * Prints a warning in the console if it exists.
 *
 * @param source Where the warning comes from, e.g. the function's name.
 * @param message The warning message.
 */
export default function warning(source: string, message: string): void {
  const text = `[${source}] ${message}`
  /* eslint-disable no-console */
  if (typeof console !== 'undefined' && typeof console.error === 'function') {
    console.error(text)
  }
  /* eslint-enable no-console */
  try {
    // This error was thrown as a convenience so that if you enable
    // "break on all exceptions" in your console,
    // it would pause the execution at this line.
    throw new Error(text)
  } catch (e) {} // eslint-disable-line no-empty
}
