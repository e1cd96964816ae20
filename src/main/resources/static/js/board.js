// The shared whiteboard of the demo page. Strokes are room messages of type `stroke` (and
// `clear`), kept in the room's history, so whoever joins later replays them.

const BOARD_WIDTH = 1000;
const BOARD_HEIGHT = 625;
const COLORS = ['#1f2937', '#e4572e', '#2563eb', '#16a34a', '#f59e0b', '#9333ea'];
const STROKE_FLUSH_MS = 60;      // ~16 stroke messages a second while drawing: well under the rate limit

const board = { canvas: null, context: null, color: COLORS[1], drawing: null, timer: null, send: null, inRoom: null };

/**
 * Sets the board up. `send(type, body)` sends a room message; `inRoom()` says whether there
 * is a room to draw in.
 */
export function setUpBoard(send, inRoom) {
  board.send = send;
  board.inRoom = inRoom;
  board.canvas = document.getElementById('board');
  board.context = board.canvas.getContext('2d');
  const colors = document.getElementById('colors');
  for (const color of COLORS) {
    const swatch = document.createElement('button');
    swatch.type = 'button';
    swatch.className = 'swatch';
    swatch.style.background = color;
    swatch.setAttribute('aria-label', color);
    swatch.setAttribute('aria-pressed', String(color === board.color));
    swatch.addEventListener('click', () => {
      board.color = color;
      for (const other of colors.children) {
        other.setAttribute('aria-pressed', String(other === swatch));
      }
    });
    colors.append(swatch);
  }
  const canvas = board.canvas;
  canvas.addEventListener('pointerdown', (event) => {
    if (!board.inRoom()) {
      return;
    }
    canvas.setPointerCapture(event.pointerId);
    const point = boardPoint(event);
    const width = Number(document.getElementById('width').value);
    board.drawing = { points: [point], lastSent: null, color: board.color, width };
    drawStroke({ c: board.drawing.color, w: board.drawing.width, p: point });
    board.timer = setInterval(flushStroke, STROKE_FLUSH_MS);
    event.preventDefault();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!board.drawing) {
      return;
    }
    const point = boardPoint(event);
    const points = board.drawing.points;
    const previous = points.length ? points[points.length - 1] : board.drawing.lastSent;
    points.push(point);
    drawStroke({ c: board.drawing.color, w: board.drawing.width, p: [...previous, ...point] });
  });
  const end = () => {
    if (!board.drawing) {
      return;
    }
    clearInterval(board.timer);
    flushStroke();
    board.drawing = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  document.getElementById('clear').addEventListener('click', () => {
    clearBoard();
    board.send('clear', {});
  });
}

function boardPoint(event) {
  const rect = board.canvas.getBoundingClientRect();
  const x = Math.round((event.clientX - rect.left) * BOARD_WIDTH / rect.width);
  const y = Math.round((event.clientY - rect.top) * BOARD_HEIGHT / rect.height);
  return [Math.max(0, Math.min(BOARD_WIDTH, x)), Math.max(0, Math.min(BOARD_HEIGHT, y))];
}

/**
 * Sends the points gathered since the last flush as one `stroke` message; each batch starts
 * with the last point of the one before so the line has no gaps.
 */
function flushStroke() {
  const drawing = board.drawing;
  if (!drawing || (drawing.points.length === 0)) {
    return;
  }
  const points = drawing.lastSent ? [drawing.lastSent, ...drawing.points] : drawing.points;
  board.send('stroke', { c: drawing.color, w: drawing.width, p: points.flat() });
  drawing.lastSent = points[points.length - 1];
  drawing.points = [];
}

/** Draws `{c: colour, w: width, p: [x0, y0, x1, y1, ...]}` in board coordinates. */
export function drawStroke(stroke) {
  const points = Array.isArray(stroke && stroke.p) ? stroke.p : [];
  if (points.length < 2) {
    return;
  }
  const context = board.context;
  context.strokeStyle = context.fillStyle = /^#[0-9a-fA-F]{3,8}$/.test(stroke.c) ? stroke.c : COLORS[0];
  context.lineWidth = Math.max(1, Math.min(48, Number(stroke.w) || 4));
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.beginPath();
  if (points.length === 2) {
    context.arc(points[0], points[1], context.lineWidth / 2, 0, 2 * Math.PI);
    context.fill();
    return;
  }
  context.moveTo(points[0], points[1]);
  for (let i = 2; i + 1 < points.length; i += 2) {
    context.lineTo(points[i], points[i + 1]);
  }
  context.stroke();
}

export function clearBoard() {
  board.context.clearRect(0, 0, BOARD_WIDTH, BOARD_HEIGHT);
}
