export { AiCostsContent, AiCostsOverview, CostsView } from './CostsView';
