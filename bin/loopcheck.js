#!/usr/bin/env node
// Thin shim: the compiled CLI owns argument parsing and process.exit.
import { main } from '../dist/src/cli/main.js';
await main(process.argv);
