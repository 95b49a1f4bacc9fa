// The rating breakdown as the API explains it: each step, its factor, the value and its source.
import type { BreakdownLine } from '../api/types';

export function BreakdownTable({
  lines,
  caption,
  open = false,
}: {
  lines: readonly BreakdownLine[];
  caption: string;
  open?: boolean;
}) {
  if (lines.length === 0) return <p class="muted">No breakdown for this record.</p>;
  return (
    <details class="breakdown" open={open}>
      <summary>
        {caption} <span class="muted">({lines.length} steps)</span>
      </summary>
      <div class="table-wrap">
        <table class="compact" data-testid="breakdown">
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Coverage</th>
              <th scope="col">Factor</th>
              <th scope="col" class="num">
                Value
              </th>
              <th scope="col">Why</th>
              <th scope="col" class="num">
                Running
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => (
              <tr key={i}>
                <td>{line.step}</td>
                <td>{line.coverage ?? ''}</td>
                <td>{line.factor ?? ''}</td>
                <td class="num mono">{line.value}</td>
                <td>{[line.source.driverFact, line.source.tableRow, line.source.note].filter(Boolean).join(' · ')}</td>
                <td class="num mono">{line.running ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
