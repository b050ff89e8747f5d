export { Result, ok, Ok, err, Err, fromThrowingFunction, safeTry } from './result'
export {
  ResultAsync,
  okAsync,
  errAsync,
  fromAsyncThrowable,
  fromPromise,
  fromSafePromise,
} from './result-async'
