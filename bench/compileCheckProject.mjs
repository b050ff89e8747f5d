// Generates a strict TypeScript project for the compile-check benchmark: hub modules, feature files
// that import a hub and the previous feature of their group, and one helper (`src/lib/special.ts`)
// that exactly nine features call. The change renames that helper in those ten files, correctly, so a
// check that reports anything is wrong.
import * as fs from 'node:fs';
import * as path from 'node:path';

const FILES_PER_HUB = 50;
const GROUP = 10;
export const CHANGED_USERS = 9;

function hub(h) {
  return `export interface Item${h} {
  id: number;
  name: string;
  tags: readonly string[];
}

export function makeItem${h}(id: number, name: string, tags: readonly string[] = []): Item${h} {
  return { id, name, tags };
}

export function describe${h}(item: Item${h}): string {
  return \`#\${item.id} \${item.name}\${item.tags.length ? \` [\${item.tags.join(', ')}]\` : ''}\`;
}
`;
}

function feature(i, hubs, usesSpecial, helperName) {
  const h = i % hubs;
  const previous = i % GROUP === 0 ? null : i - 1;
  return `import { describe${h}, makeItem${h}, type Item${h} } from '../lib/hub${h}';
${previous === null ? '' : `import { Feature${previous} } from './f${previous}';\n`}${usesSpecial ? `import { ${helperName} } from '../lib/special';\n` : ''}
export interface Options${i} {
  limit: number;
  prefix?: string;
}

export class Feature${i} {
  private readonly items: Item${h}[] = [];

  constructor(private readonly options: Options${i}) {}

  add(name: string): Item${h} {
    const item = makeItem${h}(this.items.length + ${i}, name, [\`f${i}\`]);
    if (this.items.length < this.options.limit) this.items.push(item);
    return item;
  }

  list(): string[] {
    return this.items.map((item) => \`\${this.options.prefix ?? ''}\${describe${h}(item)}\`);
  }

  total(): number {
    return this.items.reduce((sum, item) => sum + item.id, 0);
  }
${previous === null ? '' : `
  merge(other: Feature${previous}): number {
    return this.total() + other.total();
  }
`}${usesSpecial ? `
  label(): string {
    return ${helperName}(this.total(), 'items');
  }
` : ''}}
`;
}

const special = (name) => `export function ${name}(value: number, unit: string): string {
  return \`\${value.toLocaleString('en')} \${unit}\`;
}
`;

/** Writes the project (unless it is already there) and returns its root and the proposed change. */
export function generateProject(parent, files) {
  const root = path.join(parent, `compile-${files}`);
  const hubs = Math.max(1, Math.floor(files / FILES_PER_HUB));
  const features = files - hubs - 1;
  const changes = [{ path: 'src/lib/special.ts', original: special('formatLabel'), proposed: special('formatQuantity') }];
  for (let i = 0; i < CHANGED_USERS; i++) {
    changes.push({ path: `src/features/f${i}.ts`, original: feature(i, hubs, true, 'formatLabel'), proposed: feature(i, hubs, true, 'formatQuantity') });
  }
  const marker = path.join(root, '.complete');
  if (!fs.existsSync(marker)) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'src', 'lib'), { recursive: true });
    fs.mkdirSync(path.join(root, 'src', 'features'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', lib: ['ES2022'], types: [], noEmit: true }, include: ['src'] }, null, 2));
    for (let h = 0; h < hubs; h++) fs.writeFileSync(path.join(root, 'src', 'lib', `hub${h}.ts`), hub(h));
    fs.writeFileSync(path.join(root, 'src', 'lib', 'special.ts'), special('formatLabel'));
    for (let i = 0; i < features; i++) fs.writeFileSync(path.join(root, 'src', 'features', `f${i}.ts`), feature(i, hubs, i < CHANGED_USERS, 'formatLabel'));
    fs.writeFileSync(marker, '');
  }
  let lines = 0;
  for (const dir of ['src/lib', 'src/features']) {
    for (const name of fs.readdirSync(path.join(root, dir))) lines += fs.readFileSync(path.join(root, dir, name), 'utf8').split('\n').length;
  }
  return { root, changes, files, lines };
}
