// Proves the official Segment and RudderStack Node SDKs work, unmodified and
// with their default transport settings, against `rivet serve`: every call is
// stored exactly once, with what the SDK sent kept as sent.
//
// Run from the repo root:  npm ci --prefix test/sdk && node --test test/sdk/
// Set RIVET_BIN to test a prebuilt binary instead of building one.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { Analytics as Segment } from '@segment/analytics-node'
import Rudder from '@rudderstack/rudder-sdk-node'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}` // unique ids per run
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const startedAt = Date.now()

let dir, server, base, readKey
const writeKey = {} // source name -> write key
const serverOutput = []

// Runs a rivet admin command and returns the last line of its stdout (where keys are printed).
function rivet(bin, env, ...args) {
  const out = execFileSync(bin, args, { env: { ...process.env, ...env }, encoding: 'utf8' })
  return out.trim().split('\n').at(-1).trim()
}

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address()
  await new Promise((r) => srv.close(r))
  return port
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rivet-sdk-'))
  let bin = process.env.RIVET_BIN && resolve(process.env.RIVET_BIN)
  if (!bin) {
    bin = join(dir, 'rivet')
    execFileSync('go', ['build', '-o', bin, './cmd/rivet'], { cwd: repoRoot, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'pipe' })
  }
  const env = { RIVET_DATA: join(dir, 'data') }
  // One source per SDK, so "nothing but what was sent" can be checked per SDK; a third for the retry test.
  for (const name of ['segment', 'rudder', 'segment-retry']) {
    writeKey[name] = rivet(bin, env, 'source', 'create', '--workspace', 'sdk', '--name', name, '--channel', 'server')
  }
  readKey = rivet(bin, env, 'key', 'create', '--workspace', 'sdk', '--scope', 'read')

  const addr = `127.0.0.1:${await freePort()}`
  base = `http://${addr}`
  server = spawn(bin, ['serve'], { env: { ...process.env, ...env, RIVET_ADDR: addr }, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.on('data', (b) => serverOutput.push(b))
  server.stderr.on('data', (b) => serverOutput.push(b))
  for (const deadline = Date.now() + 15_000; ; await sleep(50)) {
    if (server.exitCode !== null) throw new Error(`rivet serve exited with ${server.exitCode}:\n${Buffer.concat(serverOutput)}`)
    if (Date.now() > deadline) throw new Error(`rivet serve not ready after 15s:\n${Buffer.concat(serverOutput)}`)
    const ready = await fetch(`${base}/readyz`).then((r) => r.status === 200, () => false)
    if (ready) break
  }
})

after(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit')
    server.kill('SIGTERM')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// The same five calls for each SDK: Chinese text, emoji, nested objects,
// every JSON scalar kind, an explicit timestamp on track and context on identify.
const TRACK_TIME = new Date('2024-02-10T08:30:00.123Z')
function fiveCalls(tag, messageIds = {}) {
  const userId = `user-${tag}-${runId}`
  const anonymousId = `anon-${tag}-${runId}`
  const calls = [
    ['identify', { userId, anonymousId,
      traits: { name: '张三', email: `zhang.san+${runId}@example.com`, age: 30, vip: true, tags: ['早期用户', 'beta'], address: { city: '北京', street: '长安街 1 号', geo: { lat: 39.9042, lng: 116.4074 } } },
      context: { ip: '203.0.113.7', locale: 'zh-CN', campaign: { name: '春节促销', source: 'wechat' }, device: { type: 'server', id: null } } }],
    ['track', { userId, event: '下单 Order Completed', timestamp: TRACK_TIME,
      properties: { run: runId, orderId: `order-${runId}`, total: 99.5, quantity: 3, tiny: 1.5e-7, big: 9007199254740991, negative: -42,
        paid: true, gift: false, coupon: null, tags: ['红色', 'blue', 3, true, null], note: '请尽快发货 🚀',
        items: [{ sku: 'A1', 名称: '龙井茶', price: 49.75 }, { sku: 'B2', 名称: '茶杯', price: 0 }], shipping: { city: '上海', express: true, eta: { days: 2 } } } }],
    ['page', { userId, name: '商品详情', category: '商店', properties: { url: 'https://example.com/商品/1?ref=微信', title: '龙井茶 · Rivet', position: 3 } }],
    ['group', { userId, groupId: `group-${tag}-${runId}`, traits: { name: '示例科技有限公司', employees: 1200, public: false, hq: { city: '深圳', country: 'CN' } } }],
    ['alias', { userId, previousId: anonymousId }],
  ]
  for (const [type, params] of calls) if (messageIds[type]) params.messageId = messageIds[type]
  return calls
}

// Lists a source's stored events through the events API, following next_cursor.
async function listEvents(source) {
  const items = []
  let cursor = ''
  do {
    const url = `${base}/api/v1/events?source=${encodeURIComponent(source)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await fetch(url, { headers: { Authorization: `Bearer ${readKey}` } })
    assert.equal(res.status, 200, `GET ${url}: ${await res.clone().text()}`)
    const page = await res.json()
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return items
}

// Indexing trails the acknowledgement by a few milliseconds: poll (up to ~5 s)
// until at least `want` events are listed and the count has stopped changing,
// so a late extra event would still be seen.
async function settledEvents(source, want) {
  let items = []
  for (let prev = -1, deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) {
    items = await listEvents(source)
    if (items.length >= want && items.length === prev) break
    prev = items.length
  }
  for (const [i, it] of items.entries()) {
    assert.ok(Number.isInteger(it.offset) && Number.isInteger(it.partition) && it.source_id === items[0].source_id && it.source_id, 'item shape')
    if (i > 0) assert.ok(items[i - 1].offset > it.offset, 'events are listed newest first')
  }
  return items
}

// Recursively checks that every member of `expected` is in `actual` with the
// same value; objects may hold more (the SDKs add context.library and such).
function assertContains(actual, expected, path) {
  for (const [k, v] of Object.entries(expected)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      assert.ok(actual[k] && typeof actual[k] === 'object', `${path}.${k} is an object`)
      assertContains(actual[k], v, `${path}.${k}`)
    } else {
      assert.deepEqual(actual[k], v, `${path}.${k}`)
    }
  }
}

// The server owns these: it sets receivedAt, corrects timestamp for clock skew
// (moving the client's time to originalTimestamp), copies the batch's sentAt
// into each event and drops writeKey. Everything else must be kept as sent.
const SERVER_OWNED = ['timestamp', 'originalTimestamp', 'sentAt', 'receivedAt', 'writeKey']
const omit = (o, keys) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)))

// Checks the source holds exactly the sent calls. calls[i] is what the test
// passed to the SDK; wire[i] is the message the SDK actually posted for it.
async function assertStored(source, calls, wire) {
  const items = await settledEvents(source, calls.length)
  assert.equal(items.length, calls.length, 'exactly once: one stored event per call, and nothing else')
  // ...and no part of what the SDK posted was rejected into quarantine.
  const res = await fetch(`${base}/api/v1/quarantine?source=${source}`, { headers: { Authorization: `Bearer ${readKey}` } })
  assert.deepEqual((await res.json()).items, [], 'nothing quarantined')
  const stored = calls.map(([type, params], i) => {
    assert.equal(wire[i].type, type, 'the SDK posted the calls in order')
    const found = items.filter((it) => it.event.messageId === wire[i].messageId)
    assert.equal(found.length, 1, `${type} (messageId ${wire[i].messageId}) is stored once`)
    const { event, received_at } = found[0]
    const { timestamp, ...passed } = params
    assertContains(event, JSON.parse(JSON.stringify(passed)), type)
    assert.deepEqual(omit(event, SERVER_OWNED), omit(wire[i], SERVER_OWNED), `${type} is stored as the SDK sent it`)
    const received = Date.parse(event.receivedAt)
    assert.ok(received >= startedAt - 1000 && received <= Date.now(), `${type}.receivedAt is set: ${event.receivedAt}`)
    assert.ok(Math.abs(Date.parse(received_at) - received) < 1000, `${type}: received_at matches receivedAt`)
    assert.ok(!Number.isNaN(Date.parse(event.timestamp)), `${type}.timestamp is set: ${event.timestamp}`)
    // The client's own clock reading survives as originalTimestamp.
    assert.equal(Date.parse(event.originalTimestamp), Date.parse(wire[i].originalTimestamp ?? wire[i].timestamp), `${type}.originalTimestamp`)
    return event
  })
  return Object.fromEntries(stored.map((e) => [e.type, e]))
}

// The track call's explicit timestamp must come back as its timestamp (give or
// take the skew correction, which is only transit time here: one clock).
function assertExplicitTimestamp(stored) {
  const skew = Math.abs(Date.parse(stored.track.timestamp) - TRACK_TIME.getTime())
  assert.ok(skew < 5000, `track.timestamp ${stored.track.timestamp} should be ~${TRACK_TIME.toISOString()}`)
}

test('Segment analytics-node delivers every call exactly once, as sent', async () => {
  // host is the SDK's documented option; it posts batches to host + path, and path defaults to /v1/batch.
  // flushAt (which replaced the deprecated maxEventsInBatch) > 5: all five calls go in one batch on closeAndFlush.
  const analytics = new Segment({ writeKey: writeKey.segment, host: base, flushAt: 20, flushInterval: 10_000 })
  const bodies = [] // the SDK's documented http_request/http_response events show what went over the wire
  const statuses = []
  analytics.on('http_request', (req) => bodies.push(JSON.parse(req.body)))
  analytics.on('http_response', (res) => statuses.push(res.status))
  const calls = fiveCalls('segment')
  // Callbacks fire once the batch is delivered; ctx.event is the event the SDK built, with its own messageId.
  const delivered = calls.map(([type, params]) => new Promise((ok, fail) =>
    analytics[type](params, (err, ctx) => (err ? fail(err) : ok(ctx.event)))))
  await analytics.closeAndFlush()
  const events = await Promise.all(delivered)
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 200), `HTTP statuses: ${statuses}`)

  const wire = bodies.flatMap((b) => b.batch)
  assert.deepEqual(wire.map((m) => m.messageId), events.map((e) => e.messageId))
  const stored = await assertStored('segment', calls, wire)
  // The SDK generated every messageId here; find the track call by its unique property too.
  const byRun = (await listEvents('segment')).filter((it) => it.event.properties?.run === runId)
  assert.deepEqual(byRun.map((it) => it.event.messageId), [events[1].messageId], 'the SDK-generated messageId is stored')
  assertExplicitTimestamp(stored)
})

test('RudderStack rudder-sdk-node delivers every call exactly once, as sent (gzip on)', async (t) => {
  // dataPlaneUrl is the documented option; the SDK appends path, default /v1/batch.
  // gzip defaults to true: the SDK gzips each batch and sets Content-Encoding: gzip. Not configuring
  // createPersistenceQueue means no Redis: batches go straight from memory over HTTP.
  const analytics = new Rudder(writeKey.rudder, { dataPlaneUrl: base, flushAt: 20, flushInterval: 10_000 })
  // Client-chosen messageIds on two calls (both SDKs accept one); the SDK generates the rest.
  const chosen = { group: `rudder-group-${runId}`, alias: `rudder-alias-${runId}` }
  const calls = fiveCalls('rudder', chosen)
  // The first call is posted at once, the other four on flush(). Each call's callback gets
  // (err, data) once its batch is acknowledged: data is the request body the SDK posted.
  const delivered = calls.map(([type, params]) => new Promise((ok, fail) =>
    analytics[type](params, (err, data) => (err ? fail(err) : ok(data)))))
  await analytics.flush()
  const bodies = [...new Set(await Promise.all(delivered))] // calls batched together share one body

  // That the body is a Buffer that gunzips proves the request went out gzip'd.
  for (const body of bodies) assert.ok(Buffer.isBuffer(body), 'the SDK posted a gzip body')
  const wire = bodies.flatMap((b) => JSON.parse(gunzipSync(b)).batch)
  assert.equal(wire[3].messageId, chosen.group)
  assert.equal(wire[4].messageId, chosen.alias)
  const stored = await assertStored('rudder', calls, wire)
  const byRun = (await listEvents('rudder')).filter((it) => it.event.properties?.run === runId)
  assert.deepEqual(byRun.map((it) => it.event.messageId), [wire[1].messageId], 'the SDK-generated messageId is stored')

  // The SDK sends the caller's timestamp plus originalTimestamp = call time; an explicit
  // timestamp is the event time and must survive (historical imports depend on it).
  await t.test('an explicit timestamp is kept', () => assertExplicitTimestamp(stored))
})

test('Segment SDK sending the same messageId twice is stored once', async () => {
  // flushAt 1: each call is its own HTTP request, as a retry would be.
  const analytics = new Segment({ writeKey: writeKey['segment-retry'], host: base, flushAt: 1 })
  const messageId = `retry-${runId}`
  const send = (attempt) => new Promise((ok, fail) => analytics.track(
    { userId: `user-retry-${runId}`, event: 'Payment Sent', messageId, properties: { amount: 10, attempt } },
    (err) => (err ? fail(err) : ok())))
  await send(1)
  await send(2)
  await analytics.closeAndFlush()
  const items = await settledEvents('segment-retry', 1)
  assert.equal(items.length, 1, 'a repeated messageId is stored once')
  assert.equal(items[0].event.messageId, messageId)
  assert.equal(items[0].event.properties.attempt, 1, 'the first delivery wins')
})
