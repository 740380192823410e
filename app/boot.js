// Starts the app (a file of its own: the Content-Security-Policy forbids inline scripts).
import init from './app.js';
init();
