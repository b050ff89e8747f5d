import type { Action } from '../types/actions'
import isPlainRecord from './isPlainObject'

export default function isAction(action: unknown): action is Action<string> {
  return (
    isPlainRecord(action) &&
    'type' in action &&
    typeof (action as Record<'type', unknown>).type === 'string'
  )
}
