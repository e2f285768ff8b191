import { makeStyles } from '@material-ui/core';
import { IbiasMark } from './IbiasMark';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 30 },
  mark: { fill: '#7df3e1' },
  text: { fill: '#ffffff', fontFamily: 'Helvetica, Arial, sans-serif' },
});

export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 200 40"
      role="img"
      aria-label="IBIAS Portal"
    >
      <IbiasMark className={classes.mark} y={4} />
      <text
        className={classes.text}
        x="42"
        y="30"
        fontSize="26"
        fontWeight="700"
      >
        IBIAS
      </text>
      <text className={classes.text} x="128" y="30" fontSize="16">
        Portal
      </text>
    </svg>
  );
};
