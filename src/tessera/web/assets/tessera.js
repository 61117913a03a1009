// Starts GOV.UK Frontend's components. A file, not an inline script, so that the
// Content-Security-Policy can allow this service's own scripts only (web/transport.py).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
