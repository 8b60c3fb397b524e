// Chuỗi tiếng Việt của màn hình lượt chạy, biểu đồ, bảng kết quả chính và phần xuất (tiền tố khóa "runs.").
export default {
  runs: {
    chart: {
      title: '{loss} theo {axis}',
      xAxis: 'Trục X',
      lossKind: 'Hàm mất mát',
      axis: { flops: 'FLOPs huấn luyện', wallSeconds: 'Thời gian thực', joules: 'Năng lượng (J)', kwh: 'Năng lượng (kWh)', step: 'Số bước' },
      loss: { valLoss: 'Mất mát kiểm định', trainLoss: 'Mất mát huấn luyện' },
      smoothing: 'Làm mượt',
      smoothingValue: 'Hệ số làm mượt (0 = dữ liệu gốc, 0,99 = mượt nhất)',
      logX: 'X logarit',
      logY: 'Y logarit',
      resetZoom: 'Bỏ phóng to',
      exportPng: 'PNG',
      exportSvg: 'SVG',
      canvasLabel: 'Biểu đồ: {title}. Các số liệu tương tự có trong chú giải, danh sách điểm cắt và bảng kết quả chính.',
      zoomHint: 'Kéo ngang trên biểu đồ để phóng to; nhấp đúp hoặc bấm "Bỏ phóng to" để thu nhỏ.',
      legend: 'Phương pháp và điểm cắt',
      crossing: '{method} đạt {target} tại {x} ({reached}/{seeds} hạt giống)',
      readout: 'Giá trị tại con trỏ',
      noPoints: 'Chưa có điểm nào.',
      noEnergy: 'Các lượt chạy này không có số liệu năng lượng (đã tắt đo năng lượng).',
    },
  },
}
