// What `npm start` takes from the environment: which model the extension is pointed at. Kept apart
// from start.mjs (which starts servers on import) so the unit tests can check it.
//
// An empty variable counts as unset: `RO_BASE_URL= npm start` (or one exported empty by a shell
// profile) means "no endpoint", not an endpoint at the empty URL.

/** The variable's value, or undefined when it is unset, empty or only blanks. */
export function envValue(env, name) {
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Without an endpoint and a key from the environment, `npm start` runs the offline demo model. */
export function wantsDemoModel(env) {
  return envValue(env, 'RO_BASE_URL') === undefined && envValue(env, 'OPENAI_API_KEY') === undefined;
}

/**
 * User settings that point the extension at the model: the environment's, else the demo model's.
 * @param {Record<string, string | undefined>} env
 * @param {{ baseURL: string, model: string } | undefined} demo
 */
export function modelSettings(env, demo) {
  const settings = {};
  const baseUrl = envValue(env, 'RO_BASE_URL') ?? demo?.baseURL;
  const model = envValue(env, 'RO_MODEL') ?? demo?.model;
  if (baseUrl) {
    settings['refactorOrchestrator.provider'] = 'openai-compatible';
    settings['refactorOrchestrator.baseUrl'] = baseUrl;
  }
  if (model) settings['refactorOrchestrator.model'] = model;
  return settings;
}

/** The environment the extension host gets: the demo model needs some key, any text will do. */
export function extensionEnv(env, demo) {
  return demo && envValue(env, 'OPENAI_API_KEY') === undefined ? { OPENAI_API_KEY: 'demo' } : {};
}
