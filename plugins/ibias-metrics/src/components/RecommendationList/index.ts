export { RecommendationList } from './RecommendationList';
