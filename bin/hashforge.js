#!/usr/bin/env -S node --max-semi-space-size=32
// Runs the compiled sources (dist/), compiling them first when they are missing or older than
// src/ (bin/build.js: about half a second, once). 32 MB semi-spaces for V8's young generation
// (the default is 16): a fleet sweep keeps a few hundred polls in flight, and with the smaller ones
// most of them outlived a collection or two and were copied before they died — a 50,000-miner
// sweep took a tenth longer. `npm start` and bench/fleet start Node the same way. `env -S` needs
// GNU coreutils 8.30+ or a BSD env; where there is neither (BusyBox), run
// `node --max-semi-space-size=32 bin/hashforge.js …`.
import { ensureBuilt } from './build.js';

await ensureBuilt();
await import('../dist/cli.js');
