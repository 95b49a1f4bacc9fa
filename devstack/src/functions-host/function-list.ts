import { type FunctionListing } from './route-table';

/** The `func start` listing: `Functions:` then `\tname: [GET,POST] http://host/api/route` per function. */
export function formatFunctionList(functions: readonly FunctionListing[], baseUrl: string): string {
  const lines = ['', 'Functions:', ''];
  for (const fn of functions) {
    if (fn.route !== undefined) {
      const methods = fn.methods.length > 0 ? fn.methods.join(',') : 'ALL';
      lines.push(
        `\t${fn.name}: [${methods}] ${baseUrl}/${fn.route}${fn.authLevel && fn.authLevel !== 'anonymous' ? `  (authLevel: ${fn.authLevel})` : ''}`,
      );
    } else {
      lines.push(`\t${fn.name}: ${fn.trigger}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
