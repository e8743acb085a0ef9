#!/usr/bin/env node
// Builds the VCS Portal front-end assets. Run with `npm run build` after `npm ci`.
//
// Outputs (all generated, none committed):
//   static/dist/application.css              compiled from frontend/scss/application.scss
//   static/dist/govuk-frontend.min.js(.map)  ES module from govuk-frontend
//   static/dist/moj-frontend.min.js(.map)    ES module from @ministryofjustice/frontend
//   static/dist/accessible-autocomplete.*    alphagov's accessible-autocomplete, when installed
//   static/govuk/assets/                     govuk-frontend images and manifest.json (no fonts)
//   static/moj/assets/images/                MoJ Frontend images
//
// The build is idempotent: a file is only rewritten when its content changes, and
// files in the output folders that the build does not produce are removed.
// It fails (exit code 1) if the CSS refers to /assets/ (the precompiled default),
// to the GDS Transport font, or to a /static/ file that the build did not produce.

import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'


const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const staticDir = path.join(root, 'static')
const STATIC_URL = '/static/'

const govukDist = path.join(root, 'node_modules/govuk-frontend/dist/govuk')
const mojDist = path.join(root, 'node_modules/@ministryofjustice/frontend/moj')

const outputs = {
  dist: path.join(staticDir, 'dist'),
  govukAssets: path.join(staticDir, 'govuk/assets'),
  mojAssets: path.join(staticDir, 'moj/assets')
}

// Folders the build owns completely; anything in them not written by this run is removed.
const ownedDirs = [outputs.dist, path.join(staticDir, 'govuk'), path.join(staticDir, 'moj')]

const written = new Set()
let changed = 0

function rel(p) {
  return path.relative(root, p)
}

function fail(message) {
  console.error(`frontend build failed: ${message}`)
  process.exit(1)
}

function sameContent(file, content) {
  try {
    const existing = fs.readFileSync(file)
    return existing.equals(content)
  } catch {
    return false
  }
}

function writeIfChanged(file, content) {
  const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
  written.add(path.resolve(file))
  if (sameContent(file, buffer)) return
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}`
  fs.writeFileSync(tmp, buffer)
  fs.renameSync(tmp, file)
  changed += 1
}

function copyFile(src, dest) {
  if (!fs.existsSync(src)) fail(`missing ${rel(src)} (did you run npm ci?)`)
  writeIfChanged(dest, fs.readFileSync(src))
}

function copyDir(src, dest, { exclude = [] } = {}) {
  if (!fs.existsSync(src)) fail(`missing ${rel(src)} (did you run npm ci?)`)
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (exclude.includes(entry.name)) continue
    const from = path.join(src, entry.name)
    const to = path.join(dest, entry.name)
    if (entry.isDirectory()) copyDir(from, to, { exclude })
    else if (entry.isFile()) copyFile(from, to)
  }
}

function removeStale(dir) {
  if (!fs.existsSync(dir)) return
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.resolve(dir, entry.name)
    if (entry.isDirectory()) {
      removeStale(full)
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full)
    } else if (!written.has(full)) {
      fs.rmSync(full)
      changed += 1
    }
  }
}

// 1. Static assets -----------------------------------------------------------

// GOV.UK Frontend images and manifest. The fonts folder holds GDS Transport,
// which we must not use outside GOV.UK, so it is not copied.
copyDir(path.join(govukDist, 'assets'), outputs.govukAssets, { exclude: ['fonts'] })

// MoJ Frontend images (icons used by MoJ components' CSS).
copyDir(path.join(mojDist, 'assets/images'), path.join(outputs.mojAssets, 'images'))

// ES module bundles and their source maps. The maps are copied because the
// bundles end with a sourceMappingURL comment, and Django's
// ManifestStaticFilesStorage fails collectstatic if that file is missing.
for (const [dir, name] of [
  [govukDist, 'govuk-frontend.min.js'],
  [mojDist, 'moj-frontend.min.js']
]) {
  copyFile(path.join(dir, name), path.join(outputs.dist, name))
  copyFile(path.join(dir, `${name}.map`), path.join(outputs.dist, `${name}.map`))
}

// alphagov's accessible-autocomplete (search-as-you-type for long selects; static/js/autocomplete.js
// loads it on the pages that need it). Optional: until the package is installed the build says
// so and those selects stay plain <select>s.
const autocompleteDist = path.join(root, 'node_modules/accessible-autocomplete/dist')
if (fs.existsSync(autocompleteDist)) {
  for (const name of [
    'accessible-autocomplete.min.js',
    'accessible-autocomplete.min.js.map',
    'accessible-autocomplete.min.css',
    'accessible-autocomplete.min.css.map'
  ]) {
    copyFile(path.join(autocompleteDist, name), path.join(outputs.dist, name))
  }
} else {
  console.warn('frontend build: accessible-autocomplete is not installed; long selects stay plain <select>s')
}

// 2. Sass --------------------------------------------------------------------

const entry = path.join(root, 'frontend/scss/application.scss')
const cssFile = path.join(outputs.dist, 'application.css')
// Kept outside static/ so it is never collected or served; a fresh `npm ci` drops it.
const stampFile = path.join(root, 'node_modules/.cache/vcs-portal-frontend/application.css.stamp')
let warnings = 0
let upstreamWarnings = 0

// Compiling takes a few seconds; skip it when nothing that affects the CSS
// changed: our Sass, this script, and the installed package versions.
function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? listFiles(full) : [full]
  })
}
const inputs = [
  fileURLToPath(import.meta.url),
  path.join(root, 'package-lock.json'),
  path.join(root, 'node_modules/govuk-frontend/package.json'),
  path.join(root, 'node_modules/@ministryofjustice/frontend/package.json'),
  path.join(root, 'node_modules/sass/package.json'),
  ...listFiles(path.join(root, 'frontend/scss'))
].sort()
const inputHash = createHash('sha256')
for (const file of inputs) {
  inputHash.update(rel(file)).update('\0')
  inputHash.update(fs.existsSync(file) ? fs.readFileSync(file) : '').update('\0')
}
const stamp = inputHash.digest('hex')

let css
let compiled = false
if (fs.existsSync(cssFile) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp) {
  css = fs.readFileSync(cssFile, 'utf8').replace(/\n$/, '')
} else {
  try {
    const sass = await import('sass')
    const result = sass.compile(entry, {
      // The repository root, so `node_modules/...` resolves. MoJ Frontend's own
      // Sass loads GOV.UK Frontend as "node_modules/govuk-frontend/dist/govuk/base".
      loadPaths: [root],
      style: 'compressed',
      sourceMap: false,
      charset: true,
      // Deprecation notices from inside the packages are not ours to fix.
      quietDeps: true,
      logger: {
        warn(message, options) {
          // GOV.UK Frontend reports its own deprecations with @warn; those raised
          // from inside MoJ Frontend are upstream issues (MoJ Frontend sets
          // $govuk-suppressed-warnings itself, so we cannot silence them).
          // The first frame outside GOV.UK Frontend is the code that caused it.
          const frames = (options.stack || '').split('\n').map((line) => line.trim()).filter(Boolean)
          const cause = frames.find((line) => !line.startsWith('node_modules/govuk-frontend/')) || ''
          if (cause.startsWith('node_modules/')) {
            upstreamWarnings += 1
            return
          }
          warnings += 1
          console.warn(`sass warning: ${message}\n${options.stack || ''}`)
        }
      }
    })
    css = result.css
    compiled = true
  } catch (error) {
    fail(`Sass: ${error.message}`)
  }
}

// 3. Checks ------------------------------------------------------------------

// The precompiled GOV.UK/MoJ CSS points at /assets/, which Django does not serve.
if (/url\(\s*["']?\/assets\//i.test(css)) {
  fail(`${rel(cssFile)} contains url(/assets/...) references; check $govuk-assets-path and $moj-assets-path`)
}
if (/GDS Transport/i.test(css)) {
  fail(`${rel(cssFile)} mentions "GDS Transport"; the font is licensed for GOV.UK domains only`)
}
if (!/font-family:\s*arial/i.test(css)) {
  fail(`${rel(cssFile)} does not set font-family to arial`)
}
// Every /static/ URL in the CSS must exist, or Django's manifest storage fails
// collectstatic and the browser gets 404s.
const missing = []
for (const match of css.matchAll(/url\(\s*["']?([^"')\s]+)["']?\s*\)/g)) {
  const url = match[1]
  if (url.startsWith('data:')) continue
  if (!url.startsWith(STATIC_URL)) fail(`${rel(cssFile)} has url(${url}), which is not under ${STATIC_URL}`)
  const file = path.resolve(staticDir, url.slice(STATIC_URL.length).split(/[?#]/)[0])
  if (!written.has(file)) missing.push(url)
}
if (missing.length) fail(`${rel(cssFile)} refers to files the build does not produce: ${[...new Set(missing)].join(', ')}`)

// Only now, after the checks passed, write the CSS and record what it was built from.
writeIfChanged(cssFile, `${css}\n`)
fs.mkdirSync(path.dirname(stampFile), { recursive: true })
fs.writeFileSync(stampFile, `${stamp}\n`)

for (const dir of ownedDirs) removeStale(dir)

const digest = createHash('sha256').update(css).digest('hex').slice(0, 12)
console.log(
  `frontend build ok: ${rel(cssFile)} (${Math.round(css.length / 1024)} KiB, sha256 ${digest}), ` +
    `${compiled ? 'compiled' : 'Sass unchanged, not recompiled'}, ${written.size} files, ${changed} changed${warnings ? `, ${warnings} Sass warnings` : ''}` +
    `${upstreamWarnings ? `, ${upstreamWarnings} upstream Sass deprecation warnings hidden` : ''}`
)
