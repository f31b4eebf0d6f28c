// The sales-dynamics page: no framework, uPlot for the chart. The API answers only what the user's
// database role may see (row-level security), so the page never filters regions itself.
const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = 'techmarket.bi.accessToken';
const money = new Intl.NumberFormat('uk-UA', {
  style: 'currency',
  currency: 'UAH',
  maximumFractionDigits: 0,
});
const state = { filter: null, levels: [], lines: null, chart: null };

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path, params, asText = false) {
  const response = await fetch(`api/${path}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${token()}` },
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin();
    throw new Error('please log in again');
  }
  if (!response.ok) throw new Error((await response.json()).message);
  return asText ? response.text() : response.json();
}

function showLogin() {
  $('#login').hidden = false;
  $('#dashboard').hidden = true;
  $('#logout').hidden = true;
}

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const { loginUrl } = await (await fetch('config.json')).json();
  const response = await fetch(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
  });
  const body = await response.json();
  if (!response.ok) {
    $('#login-error').textContent = body.message ?? 'login failed';
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.accessToken);
  $('#login-error').textContent = '';
  $('#who').textContent = form.get('email');
  await start();
});

$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin();
});

function filterParams(range) {
  const f = state.filter;
  return {
    from: range.from,
    to: range.to,
    ...(f.regions.length ? { regions: f.regions.join(',') } : {}),
    ...(f.category ? { category: f.category } : {}),
  };
}

const level = () => state.levels.at(-1);

function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** The later start and the earlier end (YYYY-MM-DD strings compare as dates). */
const later = (a, b) => [a, b].sort()[1];
const earlier = (a, b) => [a, b].sort()[0];
const clamp = (range, outer) => ({ from: later(range.from, outer.from), to: earlier(range.to, outer.to) });

/** The range a point of the current level stands for. */
function pointRange(period) {
  const { grain, range } = level();
  if (grain === 'month') {
    const d = new Date(`${period}T00:00:00Z`);
    const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    return clamp({ from: period, to: end }, range);
  }
  if (grain === 'week') return clamp({ from: period, to: addDays(period, 6) }, range);
  return { from: period, to: period };
}

async function drill(period) {
  const { grain } = level();
  const range = pointRange(period);
  if (grain === 'day') return showLines(range);
  state.levels.push({ grain: grain === 'month' ? 'week' : 'day', range, label: period });
  await render();
}

function renderCrumbs() {
  const nav = $('#crumbs');
  nav.replaceChildren();
  state.levels.forEach((l, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = i === 0 ? `${l.range.from} – ${l.range.to} by month` : `${l.label} by ${l.grain}`;
    button.addEventListener('click', async () => {
      state.levels = state.levels.slice(0, i + 1);
      await render();
    });
    nav.append(button, i < state.levels.length - 1 ? ' › ' : '');
  });
}

function renderTotals(points) {
  const revenue = points.reduce((s, p) => s + Number(p.revenue), 0);
  const orders = points.reduce((s, p) => s + p.orders, 0);
  const revenueOrders = points.reduce((s, p) => s + p.revenueOrders, 0);
  $('#totals').innerHTML = '';
  for (const [label, value, id] of [
    ['Revenue', money.format(revenue), 'total-revenue'],
    ['Orders', orders.toLocaleString('uk-UA'), 'total-orders'],
    ['Average order', money.format(revenueOrders ? revenue / revenueOrders : 0), 'total-aov'],
  ]) {
    const cell = document.createElement('div');
    cell.innerHTML = `<span>${label}</span><b id="${id}"></b>`;
    cell.querySelector('b').textContent = value;
    $('#totals').append(cell);
  }
  $('#totals').dataset.revenue = revenue.toFixed(2);
}

function renderChart(points) {
  const xs = points.map((p) => Date.parse(`${p.period}T00:00:00Z`) / 1000);
  const data = [xs, points.map((p) => Number(p.revenue)), points.map((p) => p.orders)];
  state.chart?.destroy();
  const chart = new uPlot(
    {
      width: Math.min(1100, document.body.clientWidth - 40),
      height: 360,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { points: { size: 10 } },
      scales: { revenue: {}, orders: {} },
      series: [
        {},
        {
          label: 'Revenue, UAH',
          scale: 'revenue',
          stroke: '#2457c5',
          width: 2,
          fill: 'rgba(36,87,197,.08)',
          points: { show: true },
        },
        { label: 'Orders', scale: 'orders', stroke: '#d9822b', width: 2, points: { show: true } },
      ],
      axes: [
        {
          // one tick per point, labelled by its period
          splits: () => xs,
          values: (_u, splits) =>
            splits.map((ts) =>
              new Date(ts * 1000).toISOString().slice(0, level().grain === 'month' ? 7 : 10),
            ),
        },
        // wide enough for "12500k" (uPlot's 50 px default cut the first digit off)
        { scale: 'revenue', size: 64, values: (_u, v) => v.map((x) => `${Math.round(x / 1000)}k`) },
        { scale: 'orders', side: 1, grid: { show: false } },
      ],
    },
    data,
    $('#chart'),
  );
  chart.over.addEventListener('click', () => {
    const i = chart.cursor.idx;
    if (i !== null && i !== undefined && points[i]) drill(points[i].period);
  });
  state.chart = chart;
}

async function render() {
  $('#error').textContent = '';
  $('#lines').hidden = true;
  $('#export-lines').hidden = true;
  state.lines = null;
  const { grain, range } = level();
  try {
    const { points } = await api('series', { ...filterParams(range), grain });
    renderCrumbs();
    renderTotals(points);
    renderChart(points);
    $('#chart').dataset.grain = grain;
    $('#chart').dataset.points = String(points.length);
  } catch (error) {
    $('#error').textContent = error.message;
  }
}

function lineRow(l) {
  const tr = document.createElement('tr');
  const cells = [
    l.orderDate,
    l.orderId,
    l.regionCode,
    l.categoryName,
    l.productName,
    l.managerName,
    l.paymentMethod,
    l.status,
    l.quantity,
    l.netAmount,
    l.netRevenue,
  ];
  cells.forEach((value, i) => {
    const td = document.createElement('td');
    td.textContent = value ?? '';
    if (i >= 8) td.className = 'n';
    tr.append(td);
  });
  return tr;
}

async function showLines(range, cursor) {
  if (!cursor) {
    state.lines = { range };
    $('#lines tbody').replaceChildren();
    $('#lines-title').textContent = `Order lines of ${range.from}`;
  }
  const page = await api('lines', { ...filterParams(range), limit: 100, ...(cursor ? { cursor } : {}) });
  $('#lines tbody').append(...page.items.map(lineRow));
  $('#lines').hidden = false;
  $('#export-lines').hidden = false;
  const more = $('#more-lines');
  more.hidden = page.nextCursor === null;
  more.onclick = () => showLines(range, page.nextCursor);
}

async function download(path, params, name) {
  const text = await api(path, params, true);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

$('#export-series').addEventListener('click', () => {
  const { grain, range } = level();
  download('series.csv', { ...filterParams(range), grain }, `sales-${grain}-${range.from}-${range.to}.csv`);
});
$('#export-lines').addEventListener('click', () => {
  const { range } = state.lines;
  download('lines.csv', filterParams(range), `sales-lines-${range.from}-${range.to}.csv`);
});

$('#filters').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  state.filter = {
    regions: [...form.regions.selectedOptions].map((o) => o.value),
    category: form.category.value,
  };
  state.levels = [{ grain: 'month', range: { from: form.from.value, to: form.to.value } }];
  await render();
});

// A digest of the applied filters (regions, category) by e-mail, after each day, week or month; the
// service checks the view as the user's role and mails the account's own address (docs/bi.md).
$('#subscribe').addEventListener('submit', async (event) => {
  event.preventDefault();
  const f = state.filter;
  const response = await fetch('api/subscriptions', {
    method: 'POST',
    headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      cadence: event.target.cadence.value,
      regions: f.regions,
      ...(f.category ? { category: Number(f.category) } : {}),
    }),
  });
  const body = await response.json();
  $('#subscribe-status').textContent = response.ok
    ? `Subscribed: ${body.email} gets the first digest after ${body.nextPeriod.to}.`
    : body.message;
});

async function start() {
  $('#login').hidden = true;
  $('#dashboard').hidden = false;
  $('#logout').hidden = false;
  const filters = await api('filters', {});
  const form = $('#filters');
  form.regions.replaceChildren(...filters.regions.map((r) => new Option(`${r.code} ${r.name}`, r.code)));
  form.category.replaceChildren(
    new Option('All categories', ''),
    ...filters.categories.map((c) => new Option(c.path, String(c.key))),
  );
  const last = filters.lastDay ?? new Date().toISOString().slice(0, 10);
  const first =
    filters.firstDay && filters.firstDay > addDays(last, -364) ? filters.firstDay : addDays(last, -364);
  form.from.value = first;
  form.to.value = last;
  form.requestSubmit();
}

if (token()) start().catch((error) => ($('#error').textContent = error.message));
else showLogin();
