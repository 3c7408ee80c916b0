/**
 * `node --import bench/lib/ablation-register.mjs dist/main.js serve ...`: installs the module
 * hooks of ablation-hooks.mjs with the settings in NETPOL_GUARD_ABLATION (JSON: variant, dist,
 * busyMicros, objects). Used by bench/ablation.ts only.
 */
import { register } from 'node:module';

const raw = process.env.NETPOL_GUARD_ABLATION;
if (!raw) throw new Error('NETPOL_GUARD_ABLATION is not set');
register('./ablation-hooks.mjs', import.meta.url, { data: JSON.parse(raw) });
