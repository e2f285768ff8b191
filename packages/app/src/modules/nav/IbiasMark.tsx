/** The three rising bars of the IBIAS mark, drawn in a 32×32 box at (x, y). */
export const IbiasMark = ({
  className,
  x = 0,
  y = 0,
}: {
  className: string;
  x?: number;
  y?: number;
}) => (
  <g transform={`translate(${x} ${y})`}>
    <rect className={className} x="0" y="0" width="8" height="32" rx="2" />
    <rect className={className} x="12" y="8" width="8" height="24" rx="2" />
    <rect className={className} x="24" y="16" width="8" height="16" rx="2" />
  </g>
);
