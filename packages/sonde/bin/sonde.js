#!/usr/bin/env node
// Thin launcher so `sonde` works from the built output.
import '../dist/cli/main.js';
