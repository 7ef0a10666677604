#!/usr/bin/env node
// Runs the compiled sources (dist/), compiling them first when they are missing or older than
// src/ (bin/build.js: about half a second, once). V8's young generation keeps its default size
// (16 MB semi-spaces): 32 MB made a 50,000-miner sweep about a tenth faster (fewer polls in flight
// outlived a collection) but cost the poller 40-50 MB of peak RSS, which took it over its 512 MB
// with 10,000 miners, 5% of each hostile kind among them (src/fleet/README.md, "What a miner can
// cost the poller").
import { ensureBuilt } from './build.js';

await ensureBuilt();
await import('../dist/cli.js');
