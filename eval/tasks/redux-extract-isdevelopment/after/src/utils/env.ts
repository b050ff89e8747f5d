/**
 * Whether this is a development build: `process.env.NODE_ENV` is not `production`.
 */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV !== 'production'
}
