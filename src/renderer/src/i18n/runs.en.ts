// English strings of the runs view, its charts, the headline panel and the exports (key prefix "runs.").
export default {
  runs: {
    chart: {
      title: '{loss} against {axis}',
      xAxis: 'X axis',
      lossKind: 'Loss',
      axis: { flops: 'Training FLOPs', wallSeconds: 'Wall time', joules: 'Energy (J)', kwh: 'Energy (kWh)', step: 'Steps' },
      loss: { valLoss: 'Validation loss', trainLoss: 'Training loss' },
      smoothing: 'Smoothing',
      smoothingValue: 'Smoothing weight (0 = raw, 0.99 = smoothest)',
      logX: 'Log X',
      logY: 'Log Y',
      resetZoom: 'Reset zoom',
      exportPng: 'PNG',
      exportSvg: 'SVG',
      canvasLabel: 'Chart: {title}. The same figures are in the legend, the crossing list and the headline table.',
      zoomHint: 'Drag across the chart to zoom in; double-click or "Reset zoom" to zoom out.',
      legend: 'Methods and crossings',
      crossing: '{method} reaches {target} at {x} ({reached} of {seeds} seeds)',
      readout: 'Values under the pointer',
      noPoints: 'No points yet.',
      noEnergy: 'These runs have no energy figures (energy metering was off).',
    },
  },
}
