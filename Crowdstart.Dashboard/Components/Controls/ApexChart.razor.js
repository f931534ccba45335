// Thin interop over the global ApexCharts (UMD build from npm, loaded by App.razor).
const charts = new Map();

function formatterFor(format) {
    if (!format) return undefined;
    if (format === 'integer') return v => (v == null ? '' : Math.round(v).toLocaleString());
    if (format.startsWith('currency:')) {
        const nf = new Intl.NumberFormat(undefined, { style: 'currency', currency: format.substring(9), maximumFractionDigits: 0 });
        return v => (v == null ? '' : nf.format(v));
    }
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

export function create(element, id, options, series, dark) {
    destroy(id);
    const opts = themed(structuredClone(options), dark);
    opts.chart.id = id;
    opts.series = series;
    const axes = Array.isArray(opts.yaxis) ? opts.yaxis : (opts.yaxis ? [opts.yaxis] : []);
    for (const axis of axes) {
        const f = formatterFor(axis.csFormat);
        if (f) axis.labels = { ...(axis.labels || {}), formatter: f };
        delete axis.csFormat;
    }
    const chart = new ApexCharts(element, opts);
    charts.set(id, chart);
    return chart.render();
}

export function updateSeries(id, series) {
    const chart = charts.get(id);
    if (chart) chart.updateSeries(series, false);
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
