#!/usr/bin/env -S node --max-semi-space-size=32
// Runs the TypeScript sources through tsx, resolved from this package (not the caller's folder).
// A 32 MB young generation (V8's default is 16): a fleet sweep keeps a few hundred polls in
// flight, and with the smaller one most of them outlived a collection or two and were copied
// before they died — a 50,000-miner sweep took a tenth longer. `npm start` and bench/fleet start
// Node the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
