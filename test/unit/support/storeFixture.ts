// A small strict TypeScript project whose exported class `UserStore` is used in many files: the
// language-server tests rename it. One caller mentions it in a comment and a log string (what a
// language server leaves for a model), the README names it (docs), and `legacy/old.ts` declares an
// unrelated `Cache` twice over, for the ambiguous case.
export const store: Record<string, string> = {
  'package.json': '{\n  "name": "store",\n  "version": "1.0.0",\n  "private": true\n}\n',
  'tsconfig.json': '{\n  "compilerOptions": { "strict": true, "target": "ES2022", "module": "commonjs", "noEmit": true, "types": [] },\n  "include": ["src"]\n}\n',
  'README.md': '# store\n\nUse `UserStore` to keep users.\n',
  'src/userStore.ts': 'export class UserStore {\n  private readonly users = new Map<string, string>();\n\n  add(id: string, name: string): void {\n    this.users.set(id, name);\n  }\n\n  get(id: string): string | undefined {\n    return this.users.get(id);\n  }\n}\n',
  'src/index.ts': "export { UserStore } from './userStore';\nexport { register } from './register';\n",
  'src/register.ts': "import { UserStore } from './userStore';\n\nexport function register(store: UserStore, id: string): void {\n  store.add(id, id.toUpperCase());\n}\n",
  'src/lookup.ts': "import { UserStore } from './userStore';\n\nexport function lookup(store: UserStore, id: string): string {\n  return store.get(id) ?? 'nobody';\n}\n",
  'src/audit.ts': "import { UserStore } from './userStore';\n\n// Audits a UserStore by listing one user.\nexport function audit(store: UserStore): string {\n  return `UserStore audit: ${store.get('root') ?? 'empty'}`;\n}\n",
  'src/app.ts': "import { UserStore } from './userStore';\nimport { register } from './register';\n\nconst store: UserStore = new UserStore();\nregister(store, 'ada');\n",
  'src/cache/a.ts': 'export class Cache {\n  size = 0;\n}\n',
  'src/cache/b.ts': 'export class Cache {\n  entries: string[] = [];\n}\n',
};

