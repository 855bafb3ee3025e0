import { useEffect, useRef, useState } from "react";

/**
 * A signature drawn with a finger, pen or mouse: the drawing goes with the form as a PNG (`<name>.drawing`). The
 * typed name beside it is the way to sign with a keyboard; a drawing already saved is shown until cleared.
 */
export function SignaturePad({ name, saved: savedFile, disabled, describedBy }: { name: string; saved: { fileId: string; url: string | null } | null; disabled: boolean; describedBy: string | undefined }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [dataUrl, setDataUrl] = useState("");
  const [saved, setSaved] = useState(savedFile);

  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#1c2430";
  }, []);

  const point = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * event.currentTarget.width) / box.width, y: ((event.clientY - box.top) * event.currentTarget.height) / box.height };
  };
  const start = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (disabled) return;
    const context = event.currentTarget.getContext("2d");
    if (!context) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.current = true;
    const { x, y } = point(event);
    context.beginPath();
    context.moveTo(x, y);
  };
  const move = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const context = event.currentTarget.getContext("2d");
    const { x, y } = point(event);
    context?.lineTo(x, y);
    context?.stroke();
  };
  const end = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    drawing.current = false;
    setDataUrl(event.currentTarget.toDataURL("image/png"));
    setSaved(null);
  };
  const clear = () => {
    const element = canvas.current;
    element?.getContext("2d")?.clearRect(0, 0, element.width, element.height);
    setDataUrl("");
    setSaved(null);
  };

  return (
    <div className="signature-pad stack">
      <input type="hidden" name={`${name}.drawing`} value={dataUrl} />
      <input type="hidden" name={`${name}.method`} value={saved || dataUrl ? "drawn" : "typed"} />
      {saved ? <input type="hidden" name={`${name}.fileId`} value={saved.fileId} /> : null}
      {saved ? saved.url ? <img src={saved.url} alt="Your saved signature" className="signature-pad__saved" /> : <p>Your drawn signature is saved.</p> : null}
      <canvas
        ref={canvas}
        width={600}
        height={180}
        className="signature-pad__canvas"
        role="img"
        aria-label="Area to draw your signature (or type your full name below)"
        aria-describedby={describedBy}
        onPointerDown={start}
        onPointerMove={move}
        onPointerUp={end}
        onPointerCancel={end}
      />
      {disabled ? null : (
        <button type="button" className="button button--secondary button--small" onClick={clear}>
          Clear the drawing
        </button>
      )}
    </div>
  );
}
