// Starts the app (a file of its own: the Content-Security-Policy forbids inline scripts).
// `cargo xtask build-spa` replaces the two relative paths below with the files' hashed names;
// the glue is given the wasm's address, as it has no default.
const shell = document.getElementById('boot');

try {
  const { default: init } = await import('./app.js');
  await init({ module_or_path: new URL('./app_bg.wasm', import.meta.url) });
  // The app's `main` mounted it inside `init`, in this same task: removing the loading
  // screen now means no frame ever shows both.
  shell?.remove();
} catch (error) {
  console.error('Guichet could not start:', error);
  showFailure();
}

// The loading screen stays, with a short error and a way to try again, rather than
// "Chargement…" forever.
function showFailure() {
  if (!shell) return;
  shell.setAttribute('aria-busy', 'false');
  shell.classList.add('boot-failed');
  const status = shell.querySelector('.boot-status');
  if (!status) return;
  const retry = document.createElement('a');
  retry.href = location.href;
  retry.textContent = 'Recharger la page';
  status.setAttribute('role', 'alert');
  status.replaceChildren("Guichet n'a pas pu se charger (Guichet could not load). ", retry);
}
