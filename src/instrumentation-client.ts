import { z } from "zod";

/*
 * Runs in the browser before the app. Zod compiles fast parsers with `new Function` when
 * it can, and finds out by trying one; the pages' Content-Security-Policy allows no eval,
 * so that probe is refused and reported as a violation on every page that parses with
 * zod. Jitless parsing is the same validation without the probe.
 */
z.config({ jitless: true });
