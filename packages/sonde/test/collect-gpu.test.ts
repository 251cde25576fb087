// The GPU collector on recorded nvidia-smi output of an 8x H100 machine:
// parsing, DCGM exporter names and labels, the looping child process (a
// stand-in script replays the recording), and staying off without nvidia-smi.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  createGpuCollector,
  GPU_FIELDS,
  gpuFamilies,
  invalidFields,
  nvidiaSmiArgs,
  parseNvidiaSmiCsv,
} from '../src/collect/gpu/nvidia-smi.js';
import { FIXTURES, fam, signalAfter, value } from './collect-helpers.js';

const csv = readFileSync(`${FIXTURES}nvidia-smi/h100-8x.csv`, 'utf8');
const fake = `${FIXTURES}nvidia-smi/fake-nvidia-smi`;

describe('nvidia-smi parsing', () => {
  it('maps every GPU to DCGM exporter families with gpu, UUID, device, modelName labels', () => {
    const readings = parseNvidiaSmiCsv(csv);
    assert.equal(readings.length, 8);
    const f = gpuFamilies(readings);
    const l = {
      gpu: '2',
      UUID: 'GPU-8f7e6d5c-4b3a-2918-0706-f5e4d3c2b1a0',
      device: 'nvidia2',
      modelName: 'NVIDIA H100 80GB HBM3',
    };
    assert.equal(value(f, 'DCGM_FI_DEV_GPU_UTIL', l), 97);
    assert.equal(value(f, 'DCGM_FI_DEV_FB_USED', l), 76990);
    assert.equal(value(f, 'DCGM_FI_DEV_FB_FREE', l), 4010);
    assert.equal(value(f, 'DCGM_FI_DEV_GPU_TEMP', l), 64);
    assert.equal(value(f, 'DCGM_FI_DEV_POWER_USAGE', l), 695.88);
    assert.equal(value(f, 'DCGM_FI_DEV_SM_CLOCK', l), 1965);
    assert.equal(value(f, 'DCGM_FI_DEV_MEM_CLOCK', l), 2619);
    assert.equal(value(f, 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', l), 4);
    assert.equal(fam(f, 'DCGM_FI_DEV_GPU_UTIL').samples.length, 8);
    // [N/A] fields give no sample rather than a made-up value.
    assert.ok(!f.some((x) => x.name === 'DCGM_FI_DEV_FAN_SPEED'));
  });

  it('builds the query command line and reads which fields an old driver rejects', () => {
    const args = nvidiaSmiArgs(GPU_FIELDS, 1000);
    assert.ok(args[0].startsWith('--query-gpu=index,uuid,name,pci.bus_id,utilization.gpu'));
    assert.deepEqual(args.slice(1), ['--format=csv,noheader,nounits', '--loop-ms=1000']);
    assert.deepEqual(invalidFields('Field "temperature.memory" is not a valid field to query.\n'), [
      'temperature.memory',
    ]);
  });

  it('lines that do not fit the fields are ignored', () => {
    assert.deepEqual(parseNvidiaSmiCsv('garbage\n\n1, 2\n'), []);
  });
});

describe('gpu collector', () => {
  it('off, with the reason, when nvidia-smi is absent', async () => {
    const c = createGpuCollector({ command: '/nonexistent/nvidia-smi' });
    assert.match((await c.unavailableReason()) ?? '', /not found/);
  });

  it('reads a looping nvidia-smi: first the one-shot reading, then the loop', async () => {
    const c = createGpuCollector({ command: fake, loopMs: 100 });
    try {
      assert.equal(await c.unavailableReason(), null);
      const first = await c.collect(signalAfter(2000));
      assert.equal(fam(first, 'DCGM_FI_DEV_POWER_USAGE').samples.length, 8);
      await new Promise((r) => setTimeout(r, 250));
      const later = await c.collect(signalAfter(2000));
      assert.equal(value(later, 'DCGM_FI_DEV_GPU_UTIL', { gpu: '0' }), 100);
      assert.equal(fam(later, 'DCGM_FI_DEV_GPU_UTIL').samples.length, 8);
    } finally {
      await c.close?.();
    }
  });
});
