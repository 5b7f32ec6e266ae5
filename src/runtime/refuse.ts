/**
 * Stops k6's init on bad input with the message alone: k6 prints a thrown Error with its JS stack, which reads as a
 * crash when the input was simply wrong; a thrown string prints as it is (and k6 still exits 107).
 */
export function refuse(message: string): never {
  throw message;
}
