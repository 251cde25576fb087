// The shell: navigation, theme switch, live status, and the page for the path.
import { useEffect, useState } from 'preact/hooks';
import type { LiveStatus } from './api/live';
import { LiveContext, usePageStream } from './lib/data';
import { useLocation } from './lib/router';
import { setTheme, useTheme } from './lib/theme';
import { Alerts } from './pages/Alerts';
import { Anomalies } from './pages/Anomalies';
import { Explore } from './pages/Explore';
import { Hosts } from './pages/Hosts';
import { Overview } from './pages/Overview';
import { RoutePage } from './pages/RoutePage';
import { Routes } from './pages/Routes';
import { Storage } from './pages/Storage';

const NAV = [
  { path: '/', label: 'Overview', icon: 'M3 12h4l3-8 4 16 3-8h4' },
  { path: '/explore', label: 'Explore', icon: 'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM21 21l-5-5' },
  { path: '/routes', label: 'Routes', icon: 'M4 6h16M4 12h10M4 18h13' },
  { path: '/hosts', label: 'Hosts', icon: 'M4 5h16v6H4zM4 13h16v6H4zM8 8h.01M8 16h.01' },
  { path: '/anomalies', label: 'Anomalies', icon: 'M12 3l9 16H3zM12 10v4M12 17h.01' },
  { path: '/alerts', label: 'Alerts', icon: 'M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 21h4' },
  {
    path: '/storage',
    label: 'Storage',
    icon: 'M4 6c0-2 16-2 16 0v12c0 2-16 2-16 0zM4 6c0 2 16 2 16 0M4 12c0 2 16 2 16 0',
  },
] as const;

function Icon(props: { d: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      <path d={props.d} />
    </svg>
  );
}

function activeNav(path: string): string {
  if (path.startsWith('/routes')) return '/routes';
  const hit = NAV.find((n) => n.path !== '/' && path.startsWith(n.path));
  return hit ? hit.path : '/';
}

function page(path: string) {
  if (path === '/' || path === '/overview') return <Overview />;
  if (path === '/explore') return <Explore />;
  if (path === '/routes') return <Routes />;
  if (path.startsWith('/routes/')) return <RoutePage />;
  if (path === '/hosts') return <Hosts />;
  if (path === '/anomalies') return <Anomalies />;
  if (path === '/alerts') return <Alerts />;
  if (path === '/storage') return <Storage />;
  return (
    <section class="page">
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <a href="/">Go to the overview</a>.
      </p>
    </section>
  );
}

const STATUS_TEXT: Record<LiveStatus, string> = {
  idle: 'Not live',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: 'Live (polling)',
};

function LiveBadge(props: { status: LiveStatus }) {
  return (
    <span
      class={`live-badge ${props.status}`}
      role="status"
      aria-live="polite"
      title="Live updates, once a second"
    >
      <span class="dot" aria-hidden="true" />
      {STATUS_TEXT[props.status]}
    </span>
  );
}

/** A page with its own live stream: remounted per path, so a page's stream closes when it is left. */
function PageHost(props: { path: string }) {
  const stream = usePageStream();
  const [status, setStatus] = useState<LiveStatus>('idle');
  useEffect(() => stream.onStatus(setStatus), [stream]);
  useEffect(() => {
    const label = NAV.find((n) => n.path === activeNav(props.path))?.label ?? 'sonde';
    document.title = `${label} · sonde`;
  }, [props.path]);
  return (
    <LiveContext.Provider value={stream}>
      <div class="live-slot">{status !== 'idle' && <LiveBadge status={status} />}</div>
      {page(props.path)}
    </LiveContext.Provider>
  );
}

export function App() {
  const loc = useLocation();
  const theme = useTheme();
  const [menuOpen, setMenuOpen] = useState(false);
  const active = activeNav(loc.path);
  useEffect(() => setMenuOpen(false), [loc.path]);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a href="/" class="brand" aria-label="sonde overview">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <circle cx="16" cy="16" r="14" fill="var(--accent)" />
            <path d="M6 18h5l3-8 4 14 3-6h5" stroke="var(--on-accent)" stroke-width="2.5" fill="none" />
          </svg>
          <span>sonde</span>
        </a>
        <button
          type="button"
          class="menu-btn"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <div class="topbar-right">
          <button
            type="button"
            class="btn ghost"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </div>
      </header>
      <nav id="nav" class={`sidebar${menuOpen ? ' open' : ''}`} aria-label="Pages">
        <ul>
          {NAV.map((n) => (
            <li key={n.path}>
              <a href={n.path} aria-current={active === n.path ? 'page' : undefined}>
                <Icon d={n.icon} />
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <PageHost key={loc.path} path={loc.path} />
      </main>
    </div>
  );
}
