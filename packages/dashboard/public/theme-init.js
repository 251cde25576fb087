// Applies the saved theme before first paint (a file, not inline: sonde's CSP allows no inline scripts).
try {
  const t = localStorage.getItem('sonde.theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch {}
