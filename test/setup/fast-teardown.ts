export { fastTeardown as default } from './fast-setup';
