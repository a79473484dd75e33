// The value-semantics model API: declare fields with finite domains, write
// init, actions and properties on Immutable.js records, and get an engine
// Model packed automatically (see docs/writing-a-model.md).

export { intRange, oneOf, bool, maybe, listOf, type Domain, type ScalarDomain, type ListDomain, type ValueOf } from './domains.js';
export { Codec, type Fields, type State, type Values } from './codec.js';
export {
  valueModel,
  action,
  type ActionDecl,
  type ParamDomains,
  type Params,
  type ValueInvariant,
  type ValueLiveness,
  type ValueModelSpec,
  type ValueModelOptions,
} from './define.js';
