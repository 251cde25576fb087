// A flame graph as one self-contained HTML file: inline SVG, no scripts, no
// network. Each frame's width is its total time; hovering shows its numbers.
import type { CallTreeNode } from './cpu-profile.js';

const ROW = 18;
const WIDTH = 1200;
const MIN_PX = 0.5;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function colour(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  if (name.startsWith('(')) return 'hsl(210, 12%, 72%)';
  return `hsl(${10 + (h % 40)}, ${70 + (h % 20)}%, ${55 + (h % 12)}%)`;
}

function depthOf(node: CallTreeNode): number {
  let d = 0;
  for (const c of node.children) d = Math.max(d, depthOf(c));
  return d + 1;
}

export function flameGraphSvg(root: CallTreeNode): string {
  const total = root.totalMs || 1;
  const depth = depthOf(root);
  const height = depth * ROW;
  const parts: string[] = [];
  const draw = (node: CallTreeNode, x: number, level: number) => {
    const w = (node.totalMs / total) * WIDTH;
    if (w < MIN_PX) return;
    const y = height - (level + 1) * ROW;
    const pct = ((node.totalMs / total) * 100).toFixed(2);
    const label = node.name === '(root)' ? 'all' : node.name;
    const title = `${label} — ${node.location}\ntotal ${node.totalMs.toFixed(1)} ms (${pct}%), self ${node.selfMs.toFixed(1)} ms`;
    parts.push(
      `<g><title>${escapeXml(title)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" fill="${colour(label)}" rx="2"/>` +
        (w > 40
          ? `<text x="${(x + 3).toFixed(2)}" y="${y + 13}" clip-path="inset(0 0 0 0)">${escapeXml(label.slice(0, Math.floor(w / 7)))}</text>`
          : '') +
        '</g>',
    );
    let cx = x;
    for (const child of [...node.children].sort((a, b) => a.name.localeCompare(b.name))) {
      draw(child, cx, level + 1);
      cx += (child.totalMs / total) * WIDTH;
    }
  };
  draw(root, 0, 0);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `font-family="ui-monospace, monospace" font-size="11" role="img" aria-label="CPU flame graph">${parts.join('')}</svg>`
  );
}

export function flameGraphHtml(root: CallTreeNode, title: string, summary: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:18px}pre{background:#f4f6f8;padding:12px;overflow:auto}svg text{fill:#1b1f24;pointer-events:none}
rect:hover{stroke:#000;stroke-width:1}</style></head>
<body><h1>${escapeXml(title)}</h1><p>Width is total CPU time; hover a frame for its numbers. Bottom row is the whole run.</p>
${flameGraphSvg(root)}
<pre>${escapeXml(summary)}</pre></body></html>
`;
}
