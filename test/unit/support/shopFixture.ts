// A small strict TypeScript project for the compile-check tests: a price helper, two callers, a barrel
// that re-exports them, a config file, and one error the project already has (so a check that
// reports old errors as new would be caught).
export const shop: Record<string, string> = {
  'package.json': '{\n  "name": "shop",\n  "version": "1.0.0",\n  "private": true\n}\n',
  'tsconfig.json': '{\n  // strict, as the team builds it\n  "compilerOptions": { "strict": true, "target": "ES2022", "module": "commonjs", "noEmit": true, "types": [] },\n  "include": ["src"],\n}\n',
  'src/price.ts': 'export function formatPrice(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n',
  'src/cart.ts': "import { formatPrice } from './price';\n\nexport function cartTotal(items: number[]): string {\n  return formatPrice(items.reduce((a, b) => a + b, 0));\n}\n",
  'src/receipt.ts': "import { formatPrice } from './price';\n\nexport function receiptLine(name: string, cents: number): string {\n  return `${name}: ${formatPrice(cents)}`;\n}\n",
  'src/index.ts': "export { cartTotal } from './cart';\nexport { receiptLine } from './receipt';\n",
  'src/legacy.ts': "// An error the project already has: no check may report it as new.\nexport const broken: number = 'not a number';\n",
};

/** `formatPrice` renamed to `name` in a file's text. */
export function renamePrice(text: string, name = 'formatAmount'): string {
  return text.replace(/formatPrice/g, name);
}
