// The search page: plain JavaScript against the query API of this origin. Every value from the API
// is written with textContent or as a property; nothing is parsed as HTML.
'use strict';

// The endpoints and parameter names this page uses (VectorIndexer.App.Tests calls them the same way).
const API = {
  search: '/api/search',
  product: (id) => `/api/products/${encodeURIComponent(id)}`,
  similar: (id) => `/api/products/${encodeURIComponent(id)}/similar`,
  recommend: '/api/recommend',
  status: '/api/app/status',
};
const SEARCH_PARAMS = ['q', 'k', 'offset', 'brand', 'category', 'color', 'minPrice', 'maxPrice', 'inStock', 'sort', 'facets'];
const FACETS = 'brand,category,color,price';  // counted over the query's relevant set (Search:FacetDepth hits)
const SIMILAR_PARAMS = ['k', 'offset'];
const PAGE_SIZE = 24;
const OPENED_KEY = 'vectorindexer.opened';  // products opened in this browser session, newest first
const MAX_OPENED = 10;
const SUGGESTIONS = [
  'cordless drill',
  'running shoes for women',
  'coffee maker',
  'waterproof jacket',
  'keep drinks cold on a picnic',
  'gift for a toddler who likes building',
  'something to stop my neck hurting at night',
];

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('search-form'), q: $('q'), brand: $('brand'), category: $('category'), color: $('color'),
  sort: $('sort'), facets: $('facets'),
  minPrice: $('min-price'), maxPrice: $('max-price'), inStock: $('in-stock'),
  clear: $('clear-filters'), brandOptions: $('brand-options'), categoryOptions: $('category-options'),
  summary: $('summary'), list: $('result-list'), more: $('more'),
  message: $('message'), messageTitle: $('message-title'), messageText: $('message-text'), suggestions: $('suggestions'),
  banner: $('index-banner'), bannerText: $('index-banner-text'), progress: $('index-progress'),
  similarHeading: $('similar-heading'), similarTitle: $('similar-title'), back: $('back-to-results'),
  moreLikeThese: $('more-like-these'),
  template: $('card-template'),
};

let current = null;        // { kind: 'search' | 'similar' | 'recommend', params, offset }
let requestSeq = 0;        // answers to older requests are dropped
let statusTimer = null;

// ---- state <-> URL --------------------------------------------------------------------------

function readFilters() {
  return {
    brand: ui.brand.value.trim(),
    category: ui.category.value.trim(),
    color: ui.color.value.trim(),
    minPrice: ui.minPrice.value.trim(),
    maxPrice: ui.maxPrice.value.trim(),
    inStock: ui.inStock.checked ? 'true' : '',
    sort: ui.sort.value === 'relevance' ? '' : ui.sort.value,
  };
}

function writeForm(params) {
  ui.q.value = params.get('q') ?? '';
  ui.brand.value = params.get('brand') ?? '';
  ui.category.value = params.get('category') ?? '';
  ui.color.value = params.get('color') ?? '';
  ui.sort.value = params.get('sort') ?? 'relevance';
  ui.minPrice.value = params.get('minPrice') ?? '';
  ui.maxPrice.value = params.get('maxPrice') ?? '';
  ui.inStock.checked = params.get('inStock') === 'true';
}

function pageParams() {
  const params = new URLSearchParams();
  const q = ui.q.value.trim();
  if (q) params.set('q', q);
  for (const [name, value] of Object.entries(readFilters())) {
    if (value) params.set(name, value);
  }
  return params;
}

function navigate(params, replace) {
  const url = params.toString() ? `/?${params}` : '/';
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  route();
}

function route() {
  const params = new URLSearchParams(location.search);
  writeForm(params);
  const similar = params.get('similar');
  showMoreLikeThese();
  if (similar) {
    showSimilar(similar);
  } else if (params.get('recommend')) {
    showRecommended();
  } else if (params.get('q')) {
    runSearch(params, 0);
  } else {
    showWelcome();
  }
}

// ---- API --------------------------------------------------------------------------------------

async function getJson(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' } });
  } catch {
    return { ok: false, status: 0, body: null };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { ok: response.ok, status: response.status, body };
}

function searchUrl(params, offset) {
  const query = new URLSearchParams();
  for (const name of SEARCH_PARAMS) {
    const value = name === 'k' ? String(PAGE_SIZE) : name === 'offset' ? String(offset) : name === 'facets' ? FACETS : params.get(name);
    if (value) query.set(name, value);
  }
  return `${API.search}?${query}`;
}

function similarUrl(id, offset) {
  const query = new URLSearchParams();
  for (const name of SIMILAR_PARAMS) {
    query.set(name, name === 'k' ? String(PAGE_SIZE) : String(offset));
  }
  return `${API.similar(id)}?${query}`;
}

// ---- views --------------------------------------------------------------------------------

async function runSearch(params, offset) {
  const seq = ++requestSeq;
  current = { kind: 'search', params, offset };
  ui.similarHeading.hidden = true;
  if (offset === 0) setSummary('Searching…');
  const answer = await getJson(searchUrl(params, offset));
  if (seq !== requestSeq) return;
  if (!answer.ok) {
    showError(answer, () => runSearch(params, offset));
    return;
  }
  const items = answer.body.items;
  if (offset === 0) clearResults();
  hideMessage();
  if (items.length === 0 && offset === 0) {
    const filtered = SEARCH_PARAMS.some((name) => !['q', 'k', 'offset', 'sort', 'facets'].includes(name) && params.get(name));
    renderFacets(null);
    setSummary('');
    showMessage('No products found',
      filtered ? 'Nothing matches these filters. Try a wider price range or clear the brand and category.'
               : 'Try describing it differently.',
      filtered ? [] : SUGGESTIONS);
    ui.more.hidden = true;
    return;
  }
  renderItems(items);
  rememberOptions(items);
  if (offset === 0) renderFacets(answer.body.facets);
  const shown = ui.list.children.length;
  const mode = answer.body.mode ? ` · ${answer.body.mode} search` : '';
  const of = typeof answer.body.total === 'number' ? ` of ${answer.body.total}` : '';
  setSummary(`${shown}${of} result${shown === 1 ? '' : 's'} for “${params.get('q')}” · ${answer.body.tookMs.toFixed(0)} ms${mode}`);
  ui.more.hidden = items.length < PAGE_SIZE || (typeof answer.body.total === 'number' && shown >= answer.body.total);
}

// ---- "more like these": the products opened in this session ----------------------------------

function openedProducts() {
  try {
    const ids = JSON.parse(sessionStorage.getItem(OPENED_KEY) || '[]');
    return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string').slice(0, MAX_OPENED) : [];
  } catch {
    return [];
  }
}

function rememberOpened(id) {
  const ids = [id, ...openedProducts().filter((other) => other !== id)].slice(0, MAX_OPENED);
  try { sessionStorage.setItem(OPENED_KEY, JSON.stringify(ids)); } catch { /* storage off: no history */ }
  showMoreLikeThese();
}

function forgetOpened(ids) {
  const kept = openedProducts().filter((id) => !ids.includes(id));
  try { sessionStorage.setItem(OPENED_KEY, JSON.stringify(kept)); } catch { /* storage off */ }
  showMoreLikeThese();
}

function showMoreLikeThese() {
  const count = openedProducts().length;
  ui.moreLikeThese.hidden = count === 0;
  ui.moreLikeThese.textContent = `More like the ${count} product${count === 1 ? '' : 's'} you opened`;
}

async function postJson(url, body) {
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, body: null };
  }
  let answer = null;
  try { answer = await response.json(); } catch { answer = null; }
  return { ok: response.ok, status: response.status, body: answer };
}

async function showRecommended(offset = 0) {
  const seq = ++requestSeq;
  const positive = openedProducts();
  current = { kind: 'recommend', offset };
  if (offset === 0) {
    clearResults();
    renderFacets(null);
    ui.similarHeading.hidden = false;
    ui.similarTitle.textContent = `More like the ${positive.length} product${positive.length === 1 ? '' : 's'} you opened`;
  }
  if (positive.length === 0) {
    setSummary('');
    showMessage('Nothing opened yet', 'Open a few products (Similar products) and come back for more like them.', SUGGESTIONS);
    ui.more.hidden = true;
    return;
  }
  setSummary('Looking for more like these…');
  const answer = await postJson(API.recommend, { positive, k: PAGE_SIZE, offset, strategy: 'average' });
  if (seq !== requestSeq) return;
  if (!answer.ok && answer.status === 404 && answer.body && Array.isArray(answer.body.productIds)) {
    forgetOpened(answer.body.productIds);  // gone from the index since they were opened
    showRecommended(offset);
    return;
  }
  if (!answer.ok) {
    showError(answer, () => showRecommended(offset));
    return;
  }
  hideMessage();
  renderItems(answer.body.items);
  const shown = ui.list.children.length;
  setSummary(shown ? `${shown} product${shown === 1 ? '' : 's'} like the ones you opened` : 'No more products like these.');
  ui.more.hidden = answer.body.items.length < PAGE_SIZE;
}

async function showSimilar(id, offset = 0) {
  rememberOpened(id);
  const seq = ++requestSeq;
  current = { kind: 'similar', id, offset };
  if (offset === 0) {
    clearResults();
    renderFacets(null);
    ui.similarHeading.hidden = false;
    ui.similarTitle.textContent = 'Similar products';
    setSummary('Looking for similar products…');
    const product = await getJson(API.product(id));
    if (seq !== requestSeq) return;
    if (product.ok) ui.similarTitle.textContent = `Similar to “${product.body.product.title}”`;
  }
  const answer = await getJson(similarUrl(id, offset));
  if (seq !== requestSeq) return;
  if (!answer.ok) {
    showError(answer, () => showSimilar(id, offset));
    return;
  }
  hideMessage();
  renderItems(answer.body.items);
  const shown = ui.list.children.length;
  setSummary(shown ? `${shown} similar product${shown === 1 ? '' : 's'}` : 'No similar products found.');
  ui.more.hidden = answer.body.items.length < PAGE_SIZE;
}

function showWelcome() {
  requestSeq++;
  renderFacets(null);
  current = null;
  clearResults();
  ui.similarHeading.hidden = true;
  ui.more.hidden = true;
  setSummary('');
  showMessage('Search the catalogue by meaning',
    'Type what you need in your own words; results are ranked by meaning and by the words you use together. Try one of these:',
    SUGGESTIONS);
}

function showError(answer, retry) {
  ui.more.hidden = true;
  setSummary('');
  if (answer.status === 503) {
    clearResults();
    showMessage('The index is being built', 'Results appear here as soon as it is ready; this page retries by itself.', []);
    watchIndexing(retry);
  } else if (answer.status === 400) {
    const errors = answer.body && answer.body.errors ? Object.values(answer.body.errors).flat() : [];
    showMessage('Please check the search', errors.length ? errors.join(' ') : 'The request was not valid.', []);
  } else if (answer.status === 404) {
    clearResults();
    showMessage('Product not found', 'That product is no longer in the index.', []);
  } else if (answer.status === 429) {
    showMessage('Too many requests', 'Please wait a moment and try again.', []);
  } else if (answer.status === 0) {
    showMessage('Cannot reach VectorIndexer', 'Is the app still running? Reload the page to try again.', []);
  } else {
    showMessage('Something went wrong', `The server answered ${answer.status}. Try again in a moment.`, []);
  }
}

// ---- indexing progress ------------------------------------------------------------------------

async function refreshStatus() {
  const answer = await getJson(API.status);
  if (!answer.ok || !answer.body) return null;
  const status = answer.body;
  if (status.phase === 'indexing' || status.phase === 'starting') {
    ui.banner.hidden = false;
    ui.bannerText.textContent = status.phase === 'starting'
      ? 'Starting up…'
      : `Building the index: ${status.message}`;
    if (status.total) {
      ui.progress.hidden = false;
      ui.progress.value = Math.min(100, Math.round((100 * status.processed) / status.total));
    } else {
      ui.progress.hidden = true;
    }
  } else if (status.phase === 'failed') {
    ui.banner.hidden = false;
    ui.progress.hidden = true;
    ui.bannerText.textContent = status.message;
  } else {
    ui.banner.hidden = true;
  }
  return status;
}

// Delay before retrying a search that answered 503 while nothing was being indexed (no live
// index with indexing at start off, or the index unreachable); doubles up to a minute.
let blindRetryDelay = 0;

function watchIndexing(retry) {
  clearTimeout(statusTimer);
  let sawIndexing = false;
  const tick = async () => {
    const status = await refreshStatus();
    if (status && status.phase === 'failed') return;
    if (status && (status.phase === 'indexing' || status.phase === 'starting')) {
      sawIndexing = true;
      blindRetryDelay = 0;
      statusTimer = setTimeout(tick, 1500);
      return;
    }
    if (sawIndexing && status && status.phase === 'ready') {
      retry();
      return;
    }
    // Search answered 503 but nothing is being built: retry, more slowly each time.
    blindRetryDelay = Math.min(Math.max(2000, blindRetryDelay * 2), 60000);
    showMessage('Search is not available yet',
      `No index is live yet, or the index cannot be reached. Trying again in ${Math.round(blindRetryDelay / 1000)} s.`, []);
    statusTimer = setTimeout(retry, blindRetryDelay);
  };
  tick();
}

// ---- rendering ------------------------------------------------------------------------------

const priceFormats = new Map();
function formatPrice(price, currency) {
  if (price === null || price === undefined) return '';
  if (!currency) return price.toFixed(2);
  if (!priceFormats.has(currency)) {
    try {
      priceFormats.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
    } catch {
      priceFormats.set(currency, null);
    }
  }
  const format = priceFormats.get(currency);
  return format ? format.format(price) : `${price.toFixed(2)} ${currency}`;
}

function renderItems(items) {
  const fragment = document.createDocumentFragment();
  for (const item of items) {
    const card = ui.template.content.firstElementChild.cloneNode(true);
    const thumb = card.querySelector('.thumb');
    if (item.image && /^https:\/\//i.test(item.image)) {
      const img = document.createElement('img');
      img.src = item.image;
      img.alt = '';
      img.loading = 'lazy';
      thumb.replaceChildren(img);
    } else {
      card.querySelector('.thumb-text').textContent = (item.category[0] || item.title).slice(0, 2);
    }
    card.querySelector('.title').textContent = item.title;
    card.querySelector('.brand').textContent = item.brand || '';
    card.querySelector('.category').textContent = item.category.join(' › ');
    card.querySelector('.price').textContent = formatPrice(item.price, item.currency);
    const rating = card.querySelector('.rating');
    if (typeof item.rating === 'number') {
      rating.textContent = `★ ${item.rating.toFixed(1)}`;
      rating.title = `Rated ${item.rating.toFixed(1)} out of 5`;
    }
    const stock = card.querySelector('.stock');
    if (item.inStock === true) { stock.textContent = 'In stock'; stock.classList.add('in'); }
    if (item.inStock === false) { stock.textContent = 'Out of stock'; stock.classList.add('out'); }
    const score = card.querySelector('.score');
    score.textContent = `score ${item.score.toFixed(3)}`;
    score.title = 'How well it matches; higher is better (cosine similarity in dense search, BM25F in lexical search, a fused rank score in hybrid search)';
    const similar = card.querySelector('.similar');
    similar.addEventListener('click', () => {
      const params = new URLSearchParams(location.search);
      params.set('similar', item.id);
      navigate(params, false);
      window.scrollTo({ top: 0 });
    });
    fragment.appendChild(card);
  }
  ui.list.appendChild(fragment);
}

// Facets: value counts of the relevant set; a click sets that filter (the price buckets set the range).
function renderFacets(facets) {
  const groups = [];
  if (facets) {
    const keywords = facets.keywords || {};
    if (keywords.brand && keywords.brand.length) groups.push(facetGroup('Brand', keywords.brand.map((v) => [v.value, v.count, { brand: v.value }])));
    for (const level of (facets.category || []).slice(0, 2)) {
      groups.push(facetGroup(level.level === 1 ? 'Department' : 'Category',
        level.values.map((v) => [v.path[v.path.length - 1], v.count, { category: v.path[v.path.length - 1] }])));
    }
    if (keywords.color && keywords.color.length) groups.push(facetGroup('Colour', keywords.color.map((v) => [v.value, v.count, { color: v.value }])));
    if (facets.price && facets.price.length) {
      groups.push(facetGroup('Price', facets.price.map((b) => [priceLabel(b), b.count,
        { minPrice: b.min === null ? '' : String(b.min), maxPrice: b.max === null ? '' : String(b.max - 0.01) }])));
    }
  }
  ui.facets.replaceChildren(...groups);
}

function priceLabel(bucket) {
  if (bucket.min === null) return `under ${bucket.max}`;
  if (bucket.max === null) return `${bucket.min} and over`;
  return `${bucket.min}–${bucket.max}`;
}

function facetGroup(title, values) {
  const group = document.createElement('section');
  group.className = 'facet';
  const heading = document.createElement('h3');
  heading.textContent = title;
  const list = document.createElement('ul');
  for (const [label, count, filters] of values) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link facet-value';
    button.dataset.facet = title;
    button.textContent = label;
    const badge = document.createElement('span');
    badge.className = 'count';
    badge.textContent = String(count);
    button.appendChild(badge);
    button.addEventListener('click', () => applyFacet(filters));
    item.appendChild(button);
    list.appendChild(item);
  }
  group.append(heading, list);
  return group;
}

function applyFacet(filters) {
  const inputs = { brand: ui.brand, category: ui.category, color: ui.color, minPrice: ui.minPrice, maxPrice: ui.maxPrice };
  for (const [name, value] of Object.entries(filters)) inputs[name].value = value;
  navigate(pageParams(), false);
}

const seenBrands = new Set();
const seenCategories = new Set();
function rememberOptions(items) {
  for (const item of items) {
    if (item.brand) seenBrands.add(item.brand);
    for (const level of item.category) seenCategories.add(level);
  }
  fillOptions(ui.brandOptions, seenBrands);
  fillOptions(ui.categoryOptions, seenCategories);
}

function fillOptions(list, values) {
  const options = [...values].sort((a, b) => a.localeCompare(b)).map((value) => {
    const option = document.createElement('option');
    option.value = value;
    return option;
  });
  list.replaceChildren(...options);
}

function clearResults() {
  ui.list.replaceChildren();
}

function setSummary(text) {
  ui.summary.textContent = text;
}

function showMessage(title, text, suggestions) {
  ui.message.hidden = false;
  ui.messageTitle.textContent = title;
  ui.messageText.textContent = text;
  ui.suggestions.replaceChildren(...suggestions.map((query) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.textContent = query;
    button.addEventListener('click', () => {
      ui.q.value = query;
      navigate(pageParams(), false);
    });
    return button;
  }));
}

function hideMessage() {
  ui.message.hidden = true;
}

// ---- events ---------------------------------------------------------------------------------

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ui.q.value.trim()) {
    ui.q.focus();
    return;
  }
  navigate(pageParams(), false);
});

for (const input of [ui.brand, ui.category, ui.color, ui.minPrice, ui.maxPrice, ui.inStock, ui.sort]) {
  input.addEventListener('change', () => {
    if (ui.q.value.trim()) navigate(pageParams(), true);
  });
}

ui.clear.addEventListener('click', () => {
  ui.brand.value = '';
  ui.category.value = '';
  ui.color.value = '';
  ui.minPrice.value = '';
  ui.maxPrice.value = '';
  ui.inStock.checked = false;
  if (ui.q.value.trim()) navigate(pageParams(), true);
});

ui.back.addEventListener('click', () => {
  const params = new URLSearchParams(location.search);
  params.delete('similar');
  params.delete('recommend');
  navigate(params, false);
});
ui.moreLikeThese.addEventListener('click', () => {
  const params = new URLSearchParams(location.search);
  params.delete('similar');
  params.set('recommend', '1');
  navigate(params, false);
  window.scrollTo({ top: 0 });
});

ui.more.addEventListener('click', () => {
  if (!current) return;
  if (current.kind === 'search') runSearch(current.params, current.offset + PAGE_SIZE);
  else if (current.kind === 'recommend') showRecommended(current.offset + PAGE_SIZE);
  else showSimilar(current.id, current.offset + PAGE_SIZE);
});

window.addEventListener('popstate', route);

refreshStatus().then((status) => {
  if (status && !status.isFinished) watchIndexing(() => route());
});
route();
ui.q.focus();
