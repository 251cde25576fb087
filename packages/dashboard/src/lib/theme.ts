// Dark and light themes: the saved choice, else the system's. Charts read
// their colours from CSS variables and redraw when the theme changes.
import { useEffect, useState } from 'preact/hooks';

export type Theme = 'dark' | 'light';
const listeners = new Set<(t: Theme) => void>();

export function currentTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'dark' || set === 'light') return set;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function setTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem('sonde.theme', t);
  } catch {
    // private mode: the choice lasts for this page only
  }
  for (const fn of listeners) fn(t);
}

export function useTheme(): Theme {
  const [t, setT] = useState(currentTheme);
  useEffect(() => {
    listeners.add(setT);
    return () => void listeners.delete(setT);
  }, []);
  return t;
}

export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Series colours, distinct in both themes and for common colour blindness (Okabe–Ito first). */
export const PALETTE = [
  '#3fa7f5',
  '#f5a623',
  '#2ec4a6',
  '#e86bb0',
  '#a78bfa',
  '#f06449',
  '#9bd35a',
  '#f0d04a',
  '#5cc8ff',
  '#c98b5e',
];
