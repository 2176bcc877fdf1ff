using Scc.Safety.Evaluator;

// Any failure blocks: exit 2, and the real tool never runs (exec only happens on an explicit allow).
try
{
    return EvaluatorMain.Run(RawArgs.Read());
}
catch (Exception ex)
{
    Output.Err("scc-safety: blocked: internal error (" + ex.GetType().Name + ") [shell.undecidable]");
    return 2;
}
