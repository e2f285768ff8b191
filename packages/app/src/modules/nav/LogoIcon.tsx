import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
  mark: { fill: '#7df3e1' },
});

export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 32 32"
      role="img"
      aria-label="IBIAS"
    >
      <rect className={classes.mark} x="0" y="0" width="8" height="32" rx="2" />
      <rect
        className={classes.mark}
        x="12"
        y="8"
        width="8"
        height="24"
        rx="2"
      />
      <rect
        className={classes.mark}
        x="24"
        y="16"
        width="8"
        height="16"
        rx="2"
      />
    </svg>
  );
};
