import { z } from 'zod';
import { GRADES, worseGrade, type Grade } from './grades';

/**
 * Grading rubrics: versioned policy data, one per product category. The clerk answers questions
 * (by command barcode or touch); an answer may cap the grade, ask for a photo, and lead to a
 * further question. The grade is the worst cap met on the path, A when nothing capped it.
 */

const localized = z.strictObject({ en: z.string().min(1), es: z.string().min(1) });

export const rubricAnswerSchema = z.strictObject({
  id: z.string().regex(/^[A-Z0-9_]{1,24}$/, 'answer ids are what command barcodes carry: A-Z, 0-9, _'),
  label: localized,
  /** The best grade the item can still get after this answer. */
  caps: z.enum(GRADES).optional(),
  /** This answer needs a photo as evidence. */
  photo: z.boolean().optional(),
  /** The next question; absent ends the rubric. */
  next: z.string().optional(),
  /** The answer a perfect item gives: the "all good" scan follows these. */
  good: z.boolean().optional(),
});

export const rubricQuestionSchema = z.strictObject({
  id: z.string().min(1),
  text: localized,
  answers: z.array(rubricAnswerSchema).min(2),
});

export const rubricSchema = z
  .strictObject({
    id: z.string().min(1),
    version: z.number().int().min(1),
    category: z.string().min(1),
    start: z.string().min(1),
    questions: z.array(rubricQuestionSchema).min(1),
  })
  .superRefine((rubric, ctx) => {
    const problem = rubricProblem(rubric);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export type Rubric = z.infer<typeof rubricSchema>;
export type RubricQuestion = z.infer<typeof rubricQuestionSchema>;

/** Why a rubric cannot be used (unknown targets, cycles, no good path), or null. */
export function rubricProblem(rubric: { start: string; questions: RubricQuestion[] }): string | null {
  const byId = new Map(rubric.questions.map((q) => [q.id, q]));
  if (byId.size !== rubric.questions.length) return 'question ids must be unique';
  if (!byId.has(rubric.start)) return `the start question ${rubric.start} does not exist`;
  for (const question of rubric.questions) {
    if (new Set(question.answers.map((a) => a.id)).size !== question.answers.length)
      return `answers of ${question.id} must be unique`;
    for (const answer of question.answers) {
      if (answer.next !== undefined && !byId.has(answer.next))
        return `${question.id}/${answer.id} leads to an unknown question ${answer.next}`;
    }
    if (question.answers.filter((a) => a.good).length !== 1) return `${question.id} needs exactly one good answer`;
  }
  // No cycles: every path must end.
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (id: string): string | null => {
    if (done.has(id)) return null;
    if (visiting.has(id)) return `the rubric loops through ${id}`;
    visiting.add(id);
    for (const answer of byId.get(id)!.answers) {
      if (answer.next) {
        const problem = visit(answer.next);
        if (problem) return problem;
      }
    }
    visiting.delete(id);
    done.add(id);
    return null;
  };
  return visit(rubric.start);
}

export type RubricStep = { questionId: string; answerId: string; caps: Grade | null; photo: boolean };

export type RubricState = {
  rubricId: string;
  version: number;
  /** The path answered so far, in order. */
  path: RubricStep[];
  /** The question to answer next, or null when the rubric is complete. */
  next: string | null;
  /** The grade the path gives so far (final when `next` is null). */
  grade: Grade;
  /** Questions whose answers asked for a photo. */
  photosRequired: string[];
};

/**
 * Walks a rubric with the answers given so far (question id → answer id). Answers to questions
 * off the path are ignored, so changing an early answer re-routes cleanly.
 */
export function walkRubric(rubric: Rubric, answers: Readonly<Record<string, string>>): RubricState {
  const byId = new Map(rubric.questions.map((q) => [q.id, q]));
  const path: RubricStep[] = [];
  let grade: Grade = 'A';
  let current: string | undefined = rubric.start;
  while (current !== undefined) {
    const question: RubricQuestion = byId.get(current)!;
    const answerId: string | undefined = answers[current];
    const answer: RubricQuestion['answers'][number] | undefined = question.answers.find((a) => a.id === answerId);
    if (!answer) break;
    path.push({
      questionId: question.id,
      answerId: answer.id,
      caps: answer.caps ?? null,
      photo: answer.photo ?? false,
    });
    if (answer.caps) grade = worseGrade(grade, answer.caps);
    current = answer.next;
  }
  return {
    rubricId: rubric.id,
    version: rubric.version,
    path,
    next: current ?? null,
    grade,
    photosRequired: path.filter((step) => step.photo).map((step) => step.questionId),
  };
}

/**
 * The answers of a perfect item from the current point on: what one "all good" scan answers,
 * so the happy path of a return costs one scan per item.
 */
export function goodAnswers(rubric: Rubric, given: Readonly<Record<string, string>> = {}): Record<string, string> {
  const answers = { ...given };
  let state = walkRubric(rubric, answers);
  const byId = new Map(rubric.questions.map((q) => [q.id, q]));
  while (state.next !== null) {
    const good = byId.get(state.next)!.answers.find((a) => a.good)!;
    answers[state.next] = good.id;
    state = walkRubric(rubric, answers);
  }
  return answers;
}
