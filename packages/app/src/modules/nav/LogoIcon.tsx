import { makeStyles } from '@material-ui/core';
import { IbiasMark } from './IbiasMark';

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
      <IbiasMark className={classes.mark} />
    </svg>
  );
};
