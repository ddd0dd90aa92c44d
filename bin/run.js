#!/usr/bin/env node
// The kvs command-line entry point: oclif loads commands from dist/ via oclif.manifest.json.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
