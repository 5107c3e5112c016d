export { type BufferedLine, type BufferOptions, type FlushResult, type HeldStamp, ReadingBuffer } from './buffer.js';
