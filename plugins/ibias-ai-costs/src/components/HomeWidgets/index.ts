export { HomeTeamsAiSpend, teamSpends, type TeamSpend } from './HomeWidgets';
