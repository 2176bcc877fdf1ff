using Scc.Safety.Evaluator;

// Any failure blocks: exit 2, and the real tool never runs.
try
{
    return EvaluatorMain.Run(RawArgs.Read());
}
catch (Exception ex)
{
    try
    {
        Output.Err("scc-safety: blocked: internal error (" + ex.GetType().Name + ") [shell.undecidable]");
    }
    catch (IOException)
    {
        // stderr closed: the exit code still says blocked.
    }

    return 2;
}
