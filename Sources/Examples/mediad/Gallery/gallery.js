// MediaKit's web gallery: plain JavaScript, no build step, nothing from a CDN.
// Pages (location.hash): #/ timeline, #/asset/ID viewer, #/albums, #/album/ID, #/duplicates,
// #/search/FILTERS, #/trash.
// For tests and scripts, <body> carries data-view, data-tiles (tiles on the page),
// data-painted (thumbnails loaded) and, in the viewer, data-preview="painted".
'use strict';

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

async function api(path, options = {}) {
  const response = await fetch(path, Object.assign({ credentials: 'same-origin' }, options));
  if (response.status === 401) { showLogin(); throw new Error('not signed in'); }
  if (!response.ok) {
    const message = await response.json().then(body => body.message || (body.error && body.error.message)).catch(() => null);
    throw new Error(message || `${path}: ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

// A JSON request (PUT, POST, PATCH, DELETE with a body).
const send = (path, method, body) => api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });

// ThumbHash (Evan Wallace's reference decoder, https://evanw.github.io/thumbhash/) to a data URL.
function thumbHashToRGBA(hash) {
  const { PI, max, cos, round } = Math;
  const header24 = hash[0] | (hash[1] << 8) | (hash[2] << 16), header16 = hash[3] | (hash[4] << 8);
  const lDC = (header24 & 63) / 63, pDC = ((header24 >> 6) & 63) / 31.5 - 1, qDC = ((header24 >> 12) & 63) / 31.5 - 1;
  const lScale = ((header24 >> 18) & 31) / 31, hasAlpha = header24 >> 23;
  const pScale = ((header16 >> 3) & 63) / 63, qScale = ((header16 >> 9) & 63) / 63, isLandscape = header16 >> 15;
  const lx = max(3, isLandscape ? (hasAlpha ? 5 : 7) : header16 & 7), ly = max(3, isLandscape ? header16 & 7 : (hasAlpha ? 5 : 7));
  const aDC = hasAlpha ? (hash[5] & 15) / 15 : 1, aScale = (hash[5] >> 4) / 15;
  const acStart = hasAlpha ? 6 : 5;
  let acIndex = 0;
  const decodeChannel = (nx, ny, scale) => {
    const ac = [];
    for (let cy = 0; cy < ny; cy++)
      for (let cx = cy ? 0 : 1; cx * ny < nx * (ny - cy); cx++)
        ac.push((((hash[acStart + (acIndex >> 1)] >> ((acIndex++ & 1) << 2)) & 15) / 7.5 - 1) * scale);
    return ac;
  };
  const lAC = decodeChannel(lx, ly, lScale), pAC = decodeChannel(3, 3, pScale * 1.25), qAC = decodeChannel(3, 3, qScale * 1.25);
  const aAC = hasAlpha && decodeChannel(5, 5, aScale);
  const ratio = (isLandscape ? (hasAlpha ? 5 : 7) : header16 & 7) / (isLandscape ? header16 & 7 : (hasAlpha ? 5 : 7));
  const w = round(ratio > 1 ? 32 : 32 * ratio), h = round(ratio > 1 ? 32 / ratio : 32);
  const rgba = new Uint8ClampedArray(w * h * 4), fx = [], fy = [];
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      let l = lDC, p = pDC, q = qDC, a = aDC;
      for (let cx = 0, n = max(lx, hasAlpha ? 5 : 3); cx < n; cx++) fx[cx] = cos(PI / w * (x + 0.5) * cx);
      for (let cy = 0, n = max(ly, hasAlpha ? 5 : 3); cy < n; cy++) fy[cy] = cos(PI / h * (y + 0.5) * cy);
      for (let cy = 0, j = 0; cy < ly; cy++) for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx * ly < lx * (ly - cy); cx++, j++) l += lAC[j] * fx[cx] * fy2;
      for (let cy = 0, j = 0; cy < 3; cy++) for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx < 3 - cy; cx++, j++) {
        const f = fx[cx] * fy2; p += pAC[j] * f; q += qAC[j] * f;
      }
      if (hasAlpha) for (let cy = 0, j = 0; cy < 5; cy++) for (let cx = cy ? 0 : 1, fy2 = fy[cy] * 2; cx < 5 - cy; cx++, j++) a += aAC[j] * fx[cx] * fy2;
      const b = l - 2 / 3 * p, r = (3 * l - b + q) / 2, g = r - q;
      rgba[i] = 255 * r; rgba[i + 1] = 255 * g; rgba[i + 2] = 255 * b; rgba[i + 3] = 255 * a;
    }
  }
  return { w, h, rgba };
}

function placeholder(base64) {
  if (!base64) return '';
  try {
    const { w, h, rgba } = thumbHashToRGBA(Uint8Array.from(atob(base64), c => c.charCodeAt(0)));
    const canvas = el('canvas', { width: w, height: h });
    canvas.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
    return canvas.toDataURL();
  } catch { return ''; }
}

// Tiles: the placeholder at once, the thumbnail when it comes into view (loading=lazy).
function tile(id, thumbhash, ratio) {
  const img = el('img', { loading: 'lazy', alt: '', src: `/api/assets/${id}/thumbnail` });
  img.addEventListener('load', () => {
    img.classList.add('loaded');
    document.body.dataset.painted = String(Number(document.body.dataset.painted || 0) + 1);
  });
  const link = el('a', { class: 'tile', href: `#/asset/${id}` }, img);
  const url = placeholder(thumbhash);
  if (url) link.style.backgroundImage = `url(${url})`;
  // Panoramas and slivers are cropped to between 1:2 and 3:1, so that one never fills a row.
  const shape = Math.min(3, Math.max(0.5, ratio || 1));
  link.style.flexGrow = String(shape);
  link.style.width = `${Math.round(180 * shape)}px`;
  return link;
}

function setView(name) {
  document.body.dataset.view = name;
  document.body.dataset.tiles = '0';
  document.body.dataset.painted = '0';
  document.body.dataset.preview = '';
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.dataset.view === name);
}

// Counts the tiles and remembers their order, for the viewer's previous and next.
function countTiles() {
  const tiles = [...document.querySelectorAll('main > section .tile, main > .grid .tile, main > .results .tile')];
  document.body.dataset.tiles = String(document.querySelectorAll('.tile').length);
  if (tiles.length) sessionStorage.setItem('sequence', JSON.stringify(tiles.map(t => t.getAttribute('href').split('/')[2])));
}

const monthName = bucket => new Date(bucket.slice(0, 7) + '-15T00:00:00Z')
  .toLocaleDateString(undefined, { year: 'numeric', month: 'long', timeZone: 'UTC' });

async function showTimeline() {
  setView('timeline');
  const main = $('main');
  main.replaceChildren(el('p', { class: 'status' }, 'Loading…'));
  const buckets = await api('/api/timeline/buckets');
  main.replaceChildren();
  if (!buckets.length) main.append(el('p', { class: 'status' }, 'No photos yet. Drop some on this page to upload them.'));
  // Each month is fetched when it comes near the screen.
  const observer = new IntersectionObserver(entries => {
    for (const entry of entries) if (entry.isIntersecting) { observer.unobserve(entry.target); fillMonth(entry.target); }
  }, { rootMargin: '800px' });
  for (const bucket of buckets) {
    const grid = el('div', { class: 'grid', 'data-bucket': bucket.timeBucket });
    grid.style.minHeight = `${Math.ceil(bucket.count / 6) * 184}px`;
    main.append(el('section', {}, el('h2', {}, `${monthName(bucket.timeBucket)} `, el('small', {}, `${bucket.count}`)), grid));
    observer.observe(grid);
  }
}

async function fillMonth(grid) {
  const bucket = await api(`/api/timeline/bucket?timeBucket=${grid.dataset.bucket}T00:00:00.000Z`);
  grid.replaceChildren(...bucket.id.map((id, i) => tile(id, bucket.thumbhash[i], bucket.ratio[i])));
  grid.style.minHeight = '';
  countTiles();
}

const formatBytes = n => n > 1 << 20 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`;

async function showAsset(id) {
  setView('viewer');
  const asset = await api(`/api/assets/${id}`);
  const img = el('img', { class: 'preview', alt: asset.originalFileName, src: `/api/assets/${id}/thumbnail?size=preview` });
  img.addEventListener('load', () => { document.body.dataset.preview = 'painted'; });
  const url = placeholder(asset.thumbhash);
  if (url) img.style.backgroundImage = `url(${url})`;
  const similar = el('div', { class: 'grid similar' });
  // Previous and next in the grid the viewer was opened from (arrow keys too).
  // Opened from a bookmark: its month of the timeline.
  let sequence = JSON.parse(sessionStorage.getItem('sequence') || '[]');
  if (!sequence.includes(id)) {
    sequence = (await api(`/api/timeline/bucket?timeBucket=${asset.localDateTime.slice(0, 7)}-01T00:00:00.000Z`).catch(() => ({ id: [] }))).id;
  }
  const at = sequence.indexOf(id);
  const step = (rel, label, key) => at >= 0 && sequence[at + key] ? el('a', { class: 'step', rel, href: `#/asset/${sequence[at + key]}` }, label) : el('span', { class: 'step' });
  document.onkeydown = event => {
    if (document.body.dataset.view !== 'viewer' || ['INPUT', 'TEXTAREA'].includes(event.target.tagName)) return;
    const link = $(event.key === 'ArrowLeft' ? 'a[rel=prev]' : event.key === 'ArrowRight' ? 'a[rel=next]' : null);
    if (link) location.hash = link.getAttribute('href');
  };
  // After a move to the trash or out of it: the next photo of the grid, else the page before.
  const leave = () => {
    sessionStorage.setItem('sequence', JSON.stringify(sequence.filter(other => other !== id)));
    const next = sequence[at + 1] || sequence[at - 1];
    if (next && next !== id) location.hash = `#/asset/${next}`; else history.back();
  };
  let panel = assetPanel(asset, similar, redraw, leave);
  function redraw(changed) {
    const fresh = assetPanel(changed, similar, redraw, leave);
    panel.replaceWith(fresh);
    panel = fresh;
  }
  $('main').replaceChildren(el('div', { class: 'viewer' }, el('div', { class: 'stage' }, step('prev', '‹', -1), img, step('next', '›', 1)), panel));
  api(`/api/mediakit/assets/${id}/similar?k=8`).then(list => {
    similar.replaceChildren(...list.map(s => tile(s.asset.id, s.asset.thumbhash, (s.asset.width || 1) / (s.asset.height || 1))));
  }).catch(() => similar.replaceChildren(el('p', { class: 'status' }, 'No embedding for this one.')));
}

// City, region, country (a region named as its city once: "Lisbon, Portugal").
const placeText = exif => [...new Set([exif.city, exif.state, exif.country].filter(Boolean))].join(', ');

// The viewer's side panel: the metadata, and what the owner can change (favourite, rating,
// description, tags, archive, trash). Each change is sent at once; the answer redraws the panel.
function assetPanel(asset, similar, redraw, leave) {
  const id = asset.id;
  const exif = asset.exifInfo || {};
  const rows = [
    ['File', asset.originalFileName], ['Taken', asset.localDateTime.replace('T', ' ').replace(/(:\d\d)(\.\d+)?Z$/, '$1')],
    ['Size', asset.width && asset.height ? `${asset.width} × ${asset.height}` : ''], ['Bytes', exif.fileSizeInByte ? formatBytes(exif.fileSizeInByte) : ''],
    ['Camera', exif.model && exif.make && exif.model.startsWith(exif.make) ? exif.model : [exif.make, exif.model].filter(Boolean).join(' ')],
    ['Lens', exif.lensModel || ''],
    ['Exposure', [exif.fNumber && `ƒ/${exif.fNumber}`, exif.exposureTime && `${exif.exposureTime} s`, exif.iso && `ISO ${exif.iso}`,
                  exif.focalLength && `${exif.focalLength} mm`].filter(Boolean).join('  ')],
    ['Place', placeText(exif)],
    ['Position', exif.latitude != null ? `${exif.latitude.toFixed(5)}, ${exif.longitude.toFixed(5)}` : ''],
  ].filter(([, v]) => v);
  const message = el('p', { class: 'status', role: 'status' });
  const act = action => async () => {
    message.textContent = '';
    try { await action(); } catch (error) { if (error.message !== 'not signed in') message.textContent = error.message; }
  };
  const update = body => act(async () => redraw(await send(`/api/assets/${id}`, 'PUT', body)));
  const reload = async () => redraw(await api(`/api/assets/${id}`));
  const button = (label, onclick, attrs = {}) => el('button', Object.assign({ type: 'button', onclick }, attrs), label);

  const archived = asset.visibility === 'archive';
  const actions = el('div', { class: 'actions' },
    button(asset.isFavorite ? '♥ Favourite' : '♡ Favourite', update({ isFavorite: !asset.isFavorite }),
           { class: 'favourite', 'aria-pressed': String(asset.isFavorite) }),
    button(archived ? 'Unarchive' : 'Archive', update({ visibility: archived ? 'timeline' : 'archive' })),
    ...(asset.isTrashed
      ? [button('Restore', act(async () => { await send('/api/trash/restore/assets', 'POST', { ids: [id] }); await reload(); })),
         button('Delete for good', act(async () => {
           if (confirm('Delete this for good? This cannot be undone.')) { await send('/api/assets', 'DELETE', { ids: [id], force: true }); leave(); }
         }), { class: 'danger' })]
      : [button('Move to trash', act(async () => { await send('/api/assets', 'DELETE', { ids: [id] }); leave(); }), { class: 'danger' })]));
  if (asset.isTrashed) actions.append(el('span', { class: 'badge' }, 'In the trash'));

  const rating = exif.rating || 0;
  const stars = el('div', { class: 'stars', role: 'group', 'aria-label': 'Rating' },
    ...[1, 2, 3, 4, 5].map(n => button(n <= rating ? '★' : '☆', update({ rating: n === rating ? null : n }),
                                       { class: n <= rating ? 'on' : '', title: n === rating ? 'Clear the rating' : `${n} star${n > 1 ? 's' : ''}` })));

  const description = el('textarea', { rows: '2', placeholder: 'Add a description', 'aria-label': 'Description' }, exif.description || '');
  description.addEventListener('change', () => update({ description: description.value.trim() })());

  const tags = el('ul', { class: 'tags' }, ...(asset.tags || []).map(tag => el('li', {}, tag.value,
    button('×', act(async () => { await send(`/api/tags/${tag.id}/assets`, 'DELETE', { ids: [id] }); await reload(); }),
           { title: `Remove the tag ${tag.value}`, class: 'remove-tag' }))));
  const newTag = el('input', { placeholder: 'travel/lisbon', 'aria-label': 'New tag' });
  const addTag = el('form', { class: 'add-tag', onsubmit: event => {
    event.preventDefault();
    if (!newTag.value.trim()) return;
    act(async () => {
      const tag = await ensureTag(newTag.value);
      await send(`/api/tags/${tag.id}/assets`, 'PUT', { ids: [id] });
      await reload();
    })();
  } }, newTag, el('button', {}, 'Add tag'));

  return el('aside', {}, el('h2', {}, asset.originalFileName), actions, stars,
    el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])),
    description, el('h3', {}, 'Tags'), tags, addTag, message,
    el('p', {}, el('a', { href: `/api/assets/${id}/original`, download: asset.originalFileName }, 'Download the original')),
    el('h3', {}, 'More like this'), similar);
}

// The tag at a path (`travel/portugal`), made level by level when missing.
async function ensureTag(path) {
  const tags = await api('/api/tags');
  let parent = null;
  for (const name of path.split('/').map(part => part.trim()).filter(Boolean)) {
    const value = parent ? `${parent.value}/${name}` : name;
    parent = tags.find(tag => tag.value === value) || await send('/api/tags', 'POST', parent ? { name, parentId: parent.id } : { name });
  }
  if (!parent) throw new Error('A tag needs a name.');
  return parent;
}

// Search: the form's values live in the address (#/search/make=Canon&from=2019-01-01), so a
// search can be bookmarked; results come from Immich's metadata search, 250 at a time.
// `text` is MediaKit's free-text filter (words in the file name, description, place, camera).
const searchFields = [['text', 'Words'], ['filename', 'File name contains'], ['city', 'City'], ['country', 'Country'], ['tag', 'Tag'],
  ['make', 'Camera make'], ['model', 'Camera model'], ['lens', 'Lens'], ['from', 'From', 'date'], ['to', 'Until', 'date']];

async function showSearch(text) {
  setView('search');
  const params = new URLSearchParams(text || '');
  const inputs = searchFields.map(([name, label, type]) => el('label', {}, label, el('input', { name, type: type || 'text', value: params.get(name) || '' })));
  const favourite = el('input', { type: 'checkbox', name: 'favorite' });
  favourite.checked = params.get('favorite') === '1';
  const kind = el('select', { name: 'type' }, el('option', { value: '' }, 'Photos and videos'), el('option', { value: 'IMAGE' }, 'Photos'), el('option', { value: 'VIDEO' }, 'Videos'));
  kind.value = params.get('type') || '';
  const form = el('form', { class: 'search', onsubmit: event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const input of form.querySelectorAll('input[type=text], input[type=date], select')) if (input.value) next.set(input.name, input.value);
    if (favourite.checked) next.set('favorite', '1');
    location.hash = `#/search/${next}`;
  } }, ...inputs, kind, el('label', {}, favourite, 'Favourites only'), el('button', {}, 'Search'));
  const results = el('div', { class: 'grid results' });
  const more = el('button', { type: 'button', class: 'more', hidden: '' }, 'More');
  const status = el('p', { class: 'status' });
  $('main').replaceChildren(form, status, results, more);
  if (![...params.keys()].length) return;
  const body = { size: 250 };
  const fields = { text: 'text', filename: 'originalFileName', city: 'city', country: 'country', make: 'make', model: 'model', lens: 'lensModel', type: 'type' };
  for (const [name, field] of Object.entries(fields)) if (params.get(name)) body[field] = params.get(name);
  if (params.get('tag')) {
    const wanted = params.get('tag').trim().toLowerCase();
    const tag = (await api('/api/tags')).find(t => t.value.toLowerCase() === wanted);
    if (!tag) { status.textContent = `No tag is named ${params.get('tag')}.`; return; }
    body.tagIds = [tag.id];
  }
  if (params.get('from')) body.takenAfter = `${params.get('from')}T00:00:00.000Z`;
  if (params.get('to')) body.takenBefore = new Date(Date.parse(`${params.get('to')}T00:00:00.000Z`) + 86400000).toISOString();
  if (params.get('favorite') === '1') body.isFavorite = true;
  let found = 0;
  const page = async cursor => {
    const answer = await api('/api/search/metadata', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cursor ? { ...body, cursor } : body) });
    results.append(...answer.assets.items.map(a => tile(a.id, a.thumbhash, (a.width || 1) / (a.height || 1))));
    found += answer.assets.count;
    status.textContent = found ? `${found}${answer.assets.nextCursor ? '+' : ''} found` : 'Nothing matches.';
    more.hidden = !answer.assets.nextCursor;
    more.onclick = () => page(answer.assets.nextCursor);
    countTiles();
  };
  await page(null);
}

async function showAlbums() {
  setView('albums');
  const albums = await api('/api/albums');
  const list = el('div', { class: 'albums' });
  for (const album of albums) {
    const cover = album.albumThumbnailAssetId ? el('img', { loading: 'lazy', alt: '', src: `/api/assets/${album.albumThumbnailAssetId}/thumbnail` }) : el('div', { class: 'empty' });
    list.append(el('a', { class: 'album', href: `#/album/${album.id}` }, cover, el('strong', {}, album.albumName), el('span', {}, `${album.assetCount} items`)));
  }
  const name = el('input', { placeholder: 'New album', required: '' });
  const form = el('form', { class: 'new-album', onsubmit: async event => {
    event.preventDefault();
    await api('/api/albums', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ albumName: name.value }) });
    showAlbums();
  } }, name, el('button', {}, 'Make'));
  $('main').replaceChildren(form, albums.length ? list : el('p', { class: 'status' }, 'No albums yet.'));
}

async function showAlbum(id) {
  setView('album');
  const album = await api(`/api/albums/${id}`);
  const message = el('p', { class: 'status', role: 'status' });
  const act = action => async event => {
    if (event) event.preventDefault();
    message.textContent = '';
    try { await action(); } catch (error) { if (error.message !== 'not signed in') message.textContent = error.message; }
  };
  const name = el('input', { value: album.albumName, 'aria-label': 'Album name', required: '' });
  const rename = el('form', { class: 'album-tools', onsubmit: act(async () => {
    await send(`/api/albums/${id}`, 'PATCH', { albumName: name.value });
    showAlbum(id);
  }) }, name, el('button', {}, 'Rename'),
  el('button', { type: 'button', onclick: () => grid.classList.toggle('editing') }, 'Remove photos…'),
  el('button', { type: 'button', class: 'danger', onclick: act(async () => {
    if (!confirm(`Delete the album ${album.albumName}? Its photos stay in the library.`)) return;
    await api(`/api/albums/${id}`, { method: 'DELETE' });
    location.hash = '#/albums';
  }) }, 'Delete album'));
  // In "remove" mode each tile has a × that takes the photo out of the album (not the library).
  const tiles = album.assets.map(a => {
    const t = tile(a.id, a.thumbhash, (a.width || 1) / (a.height || 1));
    t.append(el('button', { type: 'button', class: 'remove', title: 'Remove from the album', onclick: act(async () => {
      const [result] = await send(`/api/albums/${id}/assets`, 'DELETE', { ids: [a.id] });
      if (!result.success) throw new Error(`Not removed: ${result.error}`);
      t.remove();
      heading.lastChild.textContent = String(Number(heading.lastChild.textContent) - 1);
      countTiles();
    }) }, '×'));
    return t;
  });
  const grid = el('div', { class: 'grid' }, ...tiles);
  const heading = el('h2', {}, album.albumName, ' ', el('small', {}, `${album.assetCount}`));
  $('main').replaceChildren(heading, album.description ? el('p', { class: 'status' }, album.description) : '', rename, message, grid);
  countTiles();
}

// The trash: what was moved there, longest there first; restore everything or empty it for good.
async function showTrash() {
  setView('trash');
  const assets = await api('/api/mediakit/trash');
  const message = el('p', { class: 'status', role: 'status' });
  const act = action => async () => {
    message.textContent = '';
    try { await action(); } catch (error) { if (error.message !== 'not signed in') message.textContent = error.message; }
  };
  const tools = el('div', { class: 'album-tools' },
    el('button', { type: 'button', onclick: act(async () => {
      const { count } = await send('/api/trash/restore', 'POST');
      await showTrash();
      $('.status').textContent = `${count} restored.`;
    }) }, 'Restore all'),
    el('button', { type: 'button', class: 'danger', onclick: act(async () => {
      if (!confirm(`Delete the ${assets.length} items in the trash for good? This cannot be undone.`)) return;
      const { count } = await send('/api/trash/empty', 'POST');
      await showTrash();
      $('.status').textContent = `${count} deleted for good.`;
    }) }, 'Empty trash'));
  if (!assets.length) for (const b of tools.querySelectorAll('button')) b.disabled = true;
  $('main').replaceChildren(el('h2', {}, 'Trash ', el('small', {}, `${assets.length}`)), message, tools,
    assets.length ? el('div', { class: 'grid' }, ...assets.map(a => tile(a.id, a.thumbhash, (a.width || 1) / (a.height || 1))))
      : el('p', { class: 'status' }, 'The trash is empty.'));
  countTiles();
}

async function showDuplicates() {
  setView('duplicates');
  const groups = await api('/api/duplicates');
  $('main').replaceChildren(groups.length ? '' : el('p', { class: 'status' }, 'No near-duplicates found.'),
    ...groups.map(g => el('section', { class: 'duplicates' },
      el('h2', {}, `${g.assets.length} copies `, el('small', {}, 'the first is the one to keep')),
      el('div', { class: 'grid' }, ...g.assets.map(a => tile(a.id, a.thumbhash, (a.width || 1) / (a.height || 1)))))));
  countTiles();
}

// Drag and drop anywhere: each file is uploaded as Immich's clients do, then the view refreshes.
async function upload(files) {
  const status = $('#upload-status');
  let done = 0, failed = 0;
  for (const file of files) {
    status.textContent = `Uploading ${done + failed + 1} of ${files.length}…`;
    const form = new FormData();
    form.append('deviceAssetId', `${file.name}-${file.size}-${file.lastModified}`);
    form.append('deviceId', 'mediakit-web');
    form.append('fileCreatedAt', new Date(file.lastModified).toISOString());
    form.append('fileModifiedAt', new Date(file.lastModified).toISOString());
    form.append('assetData', file, file.name);
    const response = await fetch('/api/assets', { method: 'POST', body: form, credentials: 'same-origin' });
    if (response.ok) done++; else failed++;
  }
  status.textContent = `${done} uploaded${failed ? `, ${failed} refused` : ''}.`;
  route();
}

function showLogin() {
  setView('login');
  const key = el('input', { type: 'password', placeholder: 'API key (media key create)', required: '', autocomplete: 'off' });
  const message = el('p', { class: 'status' });
  $('main').replaceChildren(el('form', { class: 'login', onsubmit: async event => {
    event.preventDefault();
    const response = await fetch('/api/mediakit/session', { method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: key.value }) });
    if (response.ok) { location.hash = '#/'; route(); } else message.textContent = 'That key is not valid.';
  } }, el('h2', {}, 'Sign in'), key, el('button', {}, 'Sign in'), message));
}

function route() {
  const [, page, id] = location.hash.split('/');
  const shown = page === 'asset' ? showAsset(id) : page === 'albums' ? showAlbums() : page === 'album' ? showAlbum(id)
    : page === 'search' ? showSearch(location.hash.split('/').slice(2).join('/')) : page === 'trash' ? showTrash()
    : page === 'duplicates' ? showDuplicates() : showTimeline();
  shown.catch(error => { if (error.message !== 'not signed in') $('main').replaceChildren(el('p', { class: 'status' }, String(error))); });
}

window.addEventListener('hashchange', route);
document.addEventListener('dragover', event => { event.preventDefault(); document.body.classList.add('dropping'); });
document.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
document.addEventListener('drop', event => {
  event.preventDefault();
  document.body.classList.remove('dropping');
  if (event.dataTransfer.files.length) upload([...event.dataTransfer.files]);
});
$('#logout').addEventListener('click', async () => { await fetch('/api/mediakit/session', { method: 'DELETE' }); showLogin(); });
$('#pick').addEventListener('change', event => upload([...event.target.files]));
route();
