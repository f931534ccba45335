// Thin interop over the global ApexCharts (UMD build from npm, loaded by App.razor).
const charts = new Map();

function formatterFor(format) {
    if (!format) return undefined;
    if (format === 'integer') return v => (v == null ? '' : Math.round(v).toLocaleString());
    if (format.startsWith('currency:')) {
        const nf = new Intl.NumberFormat(undefined, { style: 'currency', currency: format.substring(9), maximumFractionDigits: 0 });
        return v => (v == null ? '' : nf.format(v));
    }
    // Values already in percent (0–100).
    if (format === 'percent') return v => (v == null ? '' : `${Number(v).toFixed(v < 10 ? 1 : 0)} %`);
    // Minutes since launch, e.g. T+2 h 05.
    if (format === 'since-launch') return v => {
        if (v == null) return '';
        const m = Math.round(v), sign = m < 0 ? '−' : '+', a = Math.abs(m);
        return a < 60 ? `T${sign}${a} min` : `T${sign}${Math.floor(a / 60)} h ${String(a % 60).padStart(2, '0')}`;
    };
    return undefined;
}

function palette(dark) {
    return {
        theme: { mode: dark ? 'dark' : 'light' },
        grid: { borderColor: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)' },
    };
}

function themed(options, dark) {
    const p = palette(dark);
    return {
        ...options,
        theme: { ...(options.theme || {}), ...p.theme },
        grid: { ...(options.grid || {}), ...p.grid },
        chart: { ...(options.chart || {}), background: 'transparent' },
    };
}

export function create(element, id, options, series, dark, xRange) {
    destroy(id);
    const opts = themed(structuredClone(options), dark);
    opts.chart.id = id;
    // The host element's height (set by the component) unless the options say otherwise.
    if (opts.chart.height === undefined) opts.chart.height = element.clientHeight || 300;
    opts.series = series;
    if (xRange) opts.xaxis = { ...(opts.xaxis || {}), min: xRange[0], max: xRange[1] };
    const axes = Array.isArray(opts.yaxis) ? [...opts.yaxis] : (opts.yaxis ? [opts.yaxis] : []);
    if (opts.xaxis) axes.push(opts.xaxis);
    for (const axis of axes) {
        const f = formatterFor(axis.csFormat);
        if (f) axis.labels = { ...(axis.labels || {}), formatter: f };
        delete axis.csFormat;
    }
    if (opts.xaxis && opts.xaxis.labels && opts.xaxis.labels.formatter && opts.tooltip && opts.tooltip.x) {
        opts.tooltip.x.formatter = opts.xaxis.labels.formatter;
    }
    const chart = new ApexCharts(element, opts);
    charts.set(id, chart);
    return chart.render();
}

export function updateSeries(id, series, xRange) {
    const chart = charts.get(id);
    if (!chart) return;
    if (xRange) chart.updateOptions({ xaxis: { min: xRange[0], max: xRange[1] } }, false, false);
    chart.updateSeries(series, false);
}

export function setDarkMode(id, dark) {
    const chart = charts.get(id);
    if (chart) chart.updateOptions({ ...palette(dark), chart: { background: 'transparent' } }, false, false);
}

export function destroy(id) {
    const chart = charts.get(id);
    if (chart) {
        chart.destroy();
        charts.delete(id);
    }
}
